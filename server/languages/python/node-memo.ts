/**
 * Memoised node accessors for web-tree-sitter. Every `node.type`, `node.endIndex`, `node.parent` and
 * `node.childForFieldName()` marshals the node into WebAssembly memory and calls in; the evaluator asks
 * the same questions of the same nodes many times (each name lookup walks the parents up to the module,
 * each evaluation reads the type and the end). The answers are kept per tree, keyed by the node's id (the
 * address of the node's slot in its parent's children, unique within a tree: inline leaves included), so
 * the second ask is a Map lookup and ancestors reached from different children are the same objects.
 *
 * Sound because an answer never changes for a tree that is not edited; the scanner parses afresh and
 * never edits, and `Tree.edit` drops the tree's memo in case anything ever does (`Tree.delete` drops it too).
 */
import { Node, Tree } from 'web-tree-sitter';

interface Memo {
  typeId: Map<number, number>;
  endIndex: Map<number, number>;
  parent: Map<number, Node | null>;
  /** By field id, then node key. */
  fields: Map<number, Map<number, Node | null>>;
}

const memos = new WeakMap<Tree, Memo>();

function memoOf(tree: Tree): Memo {
  let m = memos.get(tree);
  if (!m) memos.set(tree, (m = { typeId: new Map(), endIndex: new Map(), parent: new Map(), fields: new Map() }));
  return m;
}


function getter<T>(name: keyof Node): (this: Node) => T {
  const get = Object.getOwnPropertyDescriptor(Node.prototype, name)?.get;
  if (!get) throw new Error(`web-tree-sitter Node has no getter ${String(name)}`);
  return get as (this: Node) => T;
}

let installed = false;

/** Installs the memo (once per process). */
export function installNodeMemo(): void {
  if (installed) return;
  installed = true;
  const memoGetter = <T>(name: 'typeId' | 'endIndex' | 'parent'): void => {
    const original = getter<T>(name);
    Object.defineProperty(Node.prototype, name, {
      configurable: true,
      get(this: Node): T {
        const key = this.id;
        const map = memoOf(this.tree)[name] as Map<number, T>;
        let v = map.get(key);
        if (v === undefined && !map.has(key)) map.set(key, (v = original.call(this)));
        return v as T;
      },
    });
  };
  memoGetter<number>('typeId');
  memoGetter<number>('endIndex');
  memoGetter<Node | null>('parent');

  const childForFieldId = Node.prototype.childForFieldId;
  Node.prototype.childForFieldId = function (this: Node, fieldId: number): Node | null {
    const key = this.id;
    const fields = memoOf(this.tree).fields;
    let map = fields.get(fieldId);
    if (!map) fields.set(fieldId, (map = new Map()));
    let v = map.get(key);
    if (v === undefined) map.set(key, (v = childForFieldId.call(this, fieldId)));
    return v;
  };

  // A deleted tree's memo goes at once (the Tree object may stay referenced a while longer).
  const del = Tree.prototype.delete;
  Tree.prototype.delete = function (this: Tree): void {
    memos.delete(this);
    del.call(this);
  };
  // The library finds a field's id with indexOf over the language's field names, on every call.
  const fieldIds = new WeakMap<object, Map<string, number>>();
  Node.prototype.childForFieldName = function (this: Node, fieldName: string): Node | null {
    const language = this.tree.language;
    let ids = fieldIds.get(language);
    if (!ids) {
      ids = new Map();
      language.fields.forEach((f, i) => { if (f !== null && !ids!.has(f)) ids!.set(f, i); });
      fieldIds.set(language, ids);
    }
    const id = ids.get(fieldName);
    return id === undefined ? null : this.childForFieldId(id);
  };

  const edit = Tree.prototype.edit;
  Tree.prototype.edit = function (this: Tree, ...args: Parameters<Tree['edit']>): void {
    memos.delete(this);
    edit.apply(this, args);
  };
}
