// Licence check of the shipped app's packages (scripts/app-dependencies.js): fails on a
// copyleft licence, or on a package with no licence at all, unless the package is listed with a
// reviewed reason in scripts/licence-exceptions.json. An SPDX expression passes when one of its
// OR-alternatives is free of copyleft (e.g. "(MIT OR GPL-3.0)" may be taken as MIT).
//   node scripts/check-licences.js        (exit 1 on a finding)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appDependencies, root } from './app-dependencies.js';

/** Strong and weak copyleft families (SPDX identifiers by prefix). */
export const COPYLEFT = /^(A?GPL|LGPL|SSPL|EUPL|OSL|MPL|EPL|CDDL|CPAL|CECILL|RPL|Sleepycat|QPL|CC-BY-SA|ODbL)/i;

/** True when the SPDX expression can be satisfied without a copyleft licence. */
export function permissive(expression) {
  const tokens = expression
    .replace(/[()]/g, (p) => ` ${p} `)
    .trim()
    .split(/\s+/);
  let i = 0;
  const or = () => {
    let ok = and();
    while (tokens[i]?.toUpperCase() === 'OR') {
      i++;
      ok = and() || ok;
    }
    return ok;
  };
  const and = () => {
    let ok = atom();
    while (tokens[i]?.toUpperCase() === 'AND') {
      i++;
      ok = atom() && ok;
    }
    return ok;
  };
  const atom = () => {
    const token = tokens[i++];
    if (token === '(') {
      const ok = or();
      i++; // ')'
      return ok;
    }
    if (tokens[i]?.toUpperCase() === 'WITH') i += 2; // an exception never removes copyleft
    return token !== undefined && !COPYLEFT.test(token) && !/^(UNLICENSED|SEE LICENSE)/i.test(token);
  };
  return or();
}

export function licenceFindings(deps = appDependencies(), exceptions = JSON.parse(readFileSync(join(root, 'scripts', 'licence-exceptions.json'), 'utf8'))) {
  const findings = [];
  for (const dep of deps) {
    const excused = exceptions[`${dep.name}@${dep.version}`] ?? exceptions[dep.name];
    if (excused) continue;
    if (!dep.license) findings.push(`${dep.name}@${dep.version} (${dep.dir}): no licence declared`);
    else if (!permissive(dep.license)) findings.push(`${dep.name}@${dep.version} (${dep.dir}): ${dep.license} is copyleft`);
  }
  return findings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const deps = appDependencies();
  const findings = licenceFindings(deps);
  for (const line of findings) console.error(`licences: ${line}`);
  console.log(`licences: ${deps.length} shipped packages checked, ${findings.length} finding(s)`);
  process.exit(findings.length > 0 ? 1 : 0);
}
