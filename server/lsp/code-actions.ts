/**
 * Quick fixes, built from what validation recorded for the diagnostic (see fix-record.ts):
 * - Route through Chainwarden: base URL → the gateway connection URL, key → the chain key (one edit).
 * - Request access: a command (chainwarden.requestAccess) carrying chain, connection and operation.
 * - Move secret to the gateway: literal → process.env.NAME, plus the connection's credential in
 *   chainwarden.yaml, as one WorkspaceEdit over both files.
 */
import { CodeActionKind, type CodeAction, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Policy } from '../../gateway/policy/index.js';
import { routeThroughGatewayEdits, secretToEnvEdits } from './source-edits.js';
import { connectionForSecret, setConnectionCredential } from './policy-edit.js';
import { positionAt } from './text-edits.js';
import { Commands, type RequestAccessArgs } from './protocol.js';
import type { RecordEntry } from './fix-record.js';

export interface EditableDocument {
  uri: string;
  text: string;
  /** The open document's version (edits are then versioned), or null for a file on disk. */
  version: number | null;
}

export interface ActionContext {
  document: EditableDocument;
  fileName: string;
  policy: Policy | undefined;
  /** The policy file's current text (the editor's when open). */
  policyDocument: EditableDocument | undefined;
  documentChanges: boolean;
}

export function codeActionsFor(entries: readonly RecordEntry[], ctx: ActionContext): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const { finding: f, diagnostic } of entries) {
    if (!diagnostic) continue;
    const diagnostics = [diagnostic];
    if (f.status === 'bypass' && f.fix?.gatewayBaseUrl) {
      const edits = routeThroughGatewayEdits(ctx.document.text, ctx.fileName, f);
      if (edits?.length) {
        actions.push({
          title: `Route through Chainwarden (${f.fix.gatewayBaseUrl})`,
          kind: CodeActionKind.QuickFix, diagnostics, isPreferred: true,
          edit: workspaceEdit([[ctx.document, edits]], ctx.documentChanges),
        });
      }
    }
    if ((f.status === 'unapproved' || f.status === 'needs-approval') && f.kind !== 'secret' && f.chain && f.connection && f.fix?.operation) {
      const args: RequestAccessArgs = { uri: ctx.document.uri, chain: f.chain, connection: f.connection, operation: f.fix.operation, line: f.line };
      actions.push({
        title: `Request access: ${f.chain} → ${f.connection} "${f.fix.operation}"`,
        kind: CodeActionKind.QuickFix, diagnostics,
        command: { title: 'Request access', command: Commands.requestAccess, arguments: [args] },
      });
    }
    if (f.kind === 'secret' && f.fix?.secretRange && f.fix.suggestedEnvVar) {
      const envVar = f.fix.suggestedEnvVar;
      const codeEdits = secretToEnvEdits(ctx.document.text, f, envVar);
      if (!codeEdits) continue;
      const connection = ctx.policy ? connectionForSecret(ctx.policy, f.provider) : undefined;
      const policyEdit = connection && ctx.policyDocument ? setConnectionCredential(ctx.policyDocument.text, connection, envVar) : undefined;
      if (connection && ctx.policyDocument && policyEdit && 'edit' in policyEdit) {
        const p = ctx.policyDocument;
        const yamlEdit: TextEdit = { range: { start: positionAt(p.text, policyEdit.edit.start), end: positionAt(p.text, policyEdit.edit.end) }, newText: policyEdit.edit.newText };
        actions.push({
          title: `Move secret to the gateway (${envVar}, connection "${connection.name}")`,
          kind: CodeActionKind.QuickFix, diagnostics, isPreferred: true,
          edit: workspaceEdit([[ctx.document, codeEdits], [p, [yamlEdit]]], ctx.documentChanges),
        });
      } else {
        actions.push({
          title: `Move secret to environment variable ${envVar}`,
          kind: CodeActionKind.QuickFix, diagnostics,
          edit: workspaceEdit([[ctx.document, codeEdits]], ctx.documentChanges),
        });
      }
    }
  }
  return actions;
}

function workspaceEdit(files: Array<[EditableDocument, TextEdit[]]>, documentChanges: boolean): WorkspaceEdit {
  if (documentChanges) {
    return { documentChanges: files.map(([doc, edits]) => ({ textDocument: { uri: doc.uri, version: doc.version }, edits })) };
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const [doc, edits] of files) (changes[doc.uri] ??= []).push(...edits);
  return { changes };
}
