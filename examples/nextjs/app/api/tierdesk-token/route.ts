import { signIdentityToken } from '@tierdesk/node';
import { DEMO_USER } from '../../demo-user';

const LIFETIME_SECONDS = 60 * 60;

/**
 * The help widget's identity token: the signed-in user, signed with the workspace's secret on the
 * server (the secret never reaches the browser). POST only, so no cache or prefetch keeps a token.
 */
export async function POST(): Promise<Response> {
  const secret = process.env.TIERDESK_IDENTITY_SECRET;
  if (secret === undefined || secret.length < 32) {
    return Response.json(
      { error: 'Set TIERDESK_IDENTITY_SECRET (at least 32 characters, the workspace identity secret).' },
      { status: 500 },
    );
  }
  // Here a real app checks its session first, and answers 401 without one.
  const token = await signIdentityToken(
    {
      userId: DEMO_USER.id,
      workspaceId: process.env.TIERDESK_WORKSPACE ?? 'demo',
      name: DEMO_USER.name,
      email: DEMO_USER.email,
    },
    secret,
    { expiresInSeconds: LIFETIME_SECONDS },
  );
  return Response.json(
    { token, expiresInSeconds: LIFETIME_SECONDS },
    { headers: { 'cache-control': 'no-store' } },
  );
}
