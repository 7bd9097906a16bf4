import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Participant } from '../../protocol/index.js';
import { ControlPanel } from '../../onsite/src/ControlPanel.js';
import { snapshot } from '../renderer/fixtures.js';

const AT = '2026-01-01T10:00:00.000Z';
const person = (sessionId: string, role: Participant['role']): Participant => ({ sessionId, name: `Name ${sessionId}`, role, connectedAt: AT });
const act = () => Promise.resolve();

function render(participants: Participant[], holder: string | null): string {
  const s = snapshot({ participants, control: { holderSessionId: holder, holderName: holder ? `Name ${holder}` : null } });
  return renderToStaticMarkup(createElement(ControlPanel, { snapshot: s, me: 'me', checkedIn: true, act }));
}
const rows = (html: string) => html.match(/<li[ >]/g)?.length ?? 0;

describe('the onsite console’s remote control panel', () => {
  it('lists a few remote technologists and onsite consoles by name, each with its buttons', () => {
    const html = render([person('me', 'onsite'), person('op1', 'operator'), person('op2', 'operator'), person('on1', 'onsite')], 'op2');
    expect(rows(html)).toBe(3);
    expect(html.match(/data-testid="control-grant"/g)).toHaveLength(1);
    expect(html).toContain('data-testid="control-revoke"');
    expect(html).not.toContain('more');
  });

  it('collapses more than a room holds into a count, keeping the control holder listed with its Revoke button', () => {
    const operators = Array.from({ length: 40 }, (_, i) => person(`op${i}`, 'operator'));
    const onsite = Array.from({ length: 40 }, (_, i) => person(`on${i}`, 'onsite'));
    const observers = Array.from({ length: 40 }, (_, i) => person(`ob${i}`, 'observer'));
    const html = render([person('me', 'onsite'), ...operators, ...onsite, ...observers], 'op30');
    // 4 remote technologists and their count, 3 onsite consoles and theirs, the observers' one row.
    expect(rows(html)).toBe(4 + 1 + 3 + 1 + 1);
    expect(html).toContain('and 36 more remote technologists');
    expect(html).toContain('and 37 more onsite consoles');
    expect(html).toContain('Name op30');
    expect(html).toContain('data-testid="control-revoke"');
    expect(html.match(/data-testid="control-grant"/g)).toHaveLength(3);
    expect(html).toContain('40 watching');
  });
});
