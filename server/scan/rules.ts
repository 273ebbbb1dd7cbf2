/** Diagnostic rules, ESLint style: one registry, each with docs in docs/rules/<code>.md. */
import type { ScanStatus } from './types.js';

export interface DiagnosticRule {
  code: string;
  name: string;
  /** One line, for SARIF shortDescription and the rule docs' title. */
  description: string;
  /** The finding status this rule reports (secrets: "secret", the policy's scan.severity key). */
  status: ScanStatus | 'secret';
  /** Longer help, for SARIF `help.text`. */
  help: string;
}

export const DOCS_BASE_URL = 'https://github.com/chainwarden/chainwarden/blob/main/docs/rules/';

export const RULES: readonly DiagnosticRule[] = [
  {
    code: 'CW001', name: 'unapproved-resource', status: 'unapproved',
    description: 'The code uses an external resource that no policy rule allows for its chain.',
    help: 'Add a connection and a rule to chainwarden.yaml, or request access ("chainwarden request"), or remove the call.',
  },
  {
    code: 'CW002', name: 'gateway-bypass', status: 'bypass',
    description: 'The code calls a service directly (or holds its real credential) instead of going through the Chainwarden gateway.',
    help: 'Point the client at the gateway (http://<gateway.listen>/<connection>) and pass the chain key instead of the provider key.',
  },
  {
    code: 'CW003', name: 'hard-coded-secret', status: 'secret',
    description: 'A credential is written in the source code.',
    help: 'Move the value to an environment variable (or let the gateway inject it) and rotate the exposed credential.',
  },
  {
    code: 'CW004', name: 'needs-approval', status: 'needs-approval',
    description: 'The resource goes through the gateway, but the policy holds this operation for a person to approve.',
    help: 'The call works once an approver grants it; request standing access if the chain needs it routinely.',
  },
  {
    code: 'CW005', name: 'unresolved-resource', status: 'unknown',
    description: 'A resource whose provider or endpoint cannot be determined statically.',
    help: 'Use a string literal, a const or a config module value (or a .env entry) for the base URL so the policy can be checked.',
  },
  {
    code: 'CW006', name: 'approved-resource', status: 'approved',
    description: 'A resource used through the gateway and allowed by the policy (inventory).',
    help: 'Nothing to do: listed so the scan is a complete inventory of the resources the code touches.',
  },
];

export function ruleForStatus(status: ScanStatus | 'secret'): DiagnosticRule {
  return RULES.find((r) => r.status === status)!;
}

export function ruleHelpUri(code: string): string {
  return `${DOCS_BASE_URL}${code}.md`;
}
