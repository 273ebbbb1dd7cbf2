/** The Chainwarden tree views: plain TreeNodes (client/core/tree-items.ts) turned into TreeItems. */
import * as vscode from 'vscode';
import type { TreeNode } from './core/tree-items.js';

export class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] = [];

  /** `load` gives the roots; a thrown error shows as one node saying what went wrong. */
  constructor(private readonly load: () => Promise<TreeNode[]>, private readonly emptyText: string) {}

  async refresh(): Promise<void> {
    try {
      const nodes = await this.load();
      this.roots = nodes.length ? nodes : [{ id: 'empty', label: this.emptyText, icon: 'info' }];
    } catch (e) {
      this.roots = [{ id: 'error', label: (e as Error).message, icon: 'warning', tooltip: (e as Error).message }];
    }
    this.changed.fire(undefined);
  }

  get count(): number {
    return this.roots.filter((n) => n.id !== 'empty' && n.id !== 'error').length;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? (node.children ?? []) : this.roots;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.children?.length ? (node.id.split('/').length > 1 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded) : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip !== undefined) item.tooltip = node.tooltip;
    if (node.contextValue !== undefined) item.contextValue = node.contextValue;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.location) {
      const pos = new vscode.Position(node.location.line - 1, node.location.column - 1);
      item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(node.location.file), { selection: new vscode.Range(pos, pos) }] };
    }
    return item;
  }
}

/** The approval or grant id behind a node ("approval:apr_…" → "apr_…"). */
export function idOf(node: TreeNode | undefined): string | undefined {
  return node?.id.includes(':') ? node.id.slice(node.id.indexOf(':') + 1) : undefined;
}
