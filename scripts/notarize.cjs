// electron-builder afterSign hook: notarizes the signed macOS app with Apple's notary service.
// Credentials only from the environment (never in the repository or the config):
//   APPLE_API_KEY (path to the .p8 key), APPLE_API_KEY_ID, APPLE_API_ISSUER   (App Store Connect API key), or
//   APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID                        (Apple ID).
// Without credentials a local build is left un-notarized with a warning; a release build sets
// LARMOR_REQUIRE_NOTARIZATION=1 so that missing credentials fail the build instead.
const { join } = require('node:path');

function credentials(env) {
  if (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER) {
    return { appleApiKey: env.APPLE_API_KEY, appleApiKeyId: env.APPLE_API_KEY_ID, appleApiIssuer: env.APPLE_API_ISSUER };
  }
  if (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) {
    return { appleId: env.APPLE_ID, appleIdPassword: env.APPLE_APP_SPECIFIC_PASSWORD, teamId: env.APPLE_TEAM_ID };
  }
  return null;
}

async function notarizeHook(context, env = process.env) {
  if (context.electronPlatformName !== 'darwin') return 'skipped: not macOS';
  const creds = credentials(env);
  if (!creds) {
    if (env.LARMOR_REQUIRE_NOTARIZATION === '1')
      throw new Error(
        'notarization required but no Apple credentials in the environment (APPLE_API_KEY/APPLE_API_KEY_ID/APPLE_API_ISSUER or APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID)',
      );
    console.warn('notarize: no Apple credentials in the environment; the app is NOT notarized');
    return 'skipped: no credentials';
  }
  const appPath = join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`);
  const { notarize } = require('@electron/notarize');
  await notarize({ appPath, ...creds });
  return 'notarized';
}

module.exports = notarizeHook;
module.exports.default = notarizeHook;
module.exports.credentials = credentials;
