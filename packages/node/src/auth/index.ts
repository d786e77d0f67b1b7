export type { CreateApiKeyOptions, CreatedApiKey } from './api-keys';
export { API_KEY_PREFIX, createApiKey, revokeApiKey, verifyApiKey } from './api-keys';
export { MIN_SECRET_BYTES, VISITOR_TOKEN_AUDIENCE, VISITOR_TOKEN_ISSUER } from './auth.shared';
export type {
  Authenticate,
  AuthenticateAgentHook,
  AuthenticateOptions,
  AuthenticatorOptions,
  HookAgent,
} from './authenticate';
export { createAuthenticator } from './authenticate';
export type {
  IdentityTokenClaims,
  SignIdentityTokenOptions,
  VerifyIdentityTokenOptions,
  WorkspaceSecretResolver,
} from './identity-token';
export {
  DEFAULT_MAX_IDENTITY_TOKEN_LIFETIME_SECONDS,
  signIdentityToken,
  verifyIdentityToken,
} from './identity-token';
export type {
  IssuedVisitorToken,
  IssueVisitorTokenOptions,
  VerifyVisitorTokenOptions,
} from './visitor-token';
export { DEFAULT_VISITOR_TOKEN_TTL_SECONDS, issueVisitorToken, verifyVisitorToken } from './visitor-token';
