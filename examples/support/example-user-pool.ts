import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/**
 * The settings of the examples' Cognito user pool: strong passwords, MFA required, and the Plus
 * plan, whose threat protection blocks sign-ins with compromised credentials.
 */
export function exampleUserPoolProps(): cognito.UserPoolProps {
  return {
    signInAliases: { email: true },
    selfSignUpEnabled: false,
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
    },
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    deletionProtection: true,
  };
}

/** A user pool with the examples' settings. */
export function exampleUserPool(scope: Construct, id: string): cognito.UserPool {
  // eslint-disable-next-line awscdk/require-passing-this -- a factory: the caller passes its own scope
  return new cognito.UserPool(scope, id, exampleUserPoolProps());
}
