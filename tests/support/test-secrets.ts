// Test-only values shared by vitest.config.ts and the tests (never used outside the test Worker).

/** The key the webhook tests sign with (base64 after the whsec_ prefix, as Resend issues them). */
export const TEST_WEBHOOK_SECRET = "whsec_dGVzdC13ZWJob29rLXNpZ25pbmcta2V5LTEyMzQ1Ng==";
