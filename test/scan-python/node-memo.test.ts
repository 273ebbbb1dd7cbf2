/**
 * The memoised node accessors (server/languages/python/node-memo.ts) give the answers tree-sitter's own
 * cursor gives, for every node of a file (repeated punctuation and other small inline leaves included),
 * hand back shared ancestor objects, and forget a tree that is edited.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initPythonParser, parsePython, type Node } from '../../server/languages/python/parser.js';

const SOURCE = `import os
from langchain_openai import ChatOpenAI

KEY = "a" + "a" + ("a")

def outer(x, y=(1, 1)):
    def inner(z):
        return [z, z, (z)]
    return inner(x) or inner(y)

class Config:
    url: str = os.environ.get("URL", "http://localhost:8080")

llm = ChatOpenAI(base_url=Config().url, api_key=os.getenv("K"))
`;

before(async () => {
  await initPythonParser();
});

interface Seen { node: Node; typeId: number; type: string; endIndex: number; field: string | null; parentId: number | null }

/** Every node with what the cursor (its own code path into WebAssembly) says about it. */
function walk(root: Node): Seen[] {
  const out: Seen[] = [];
  const cursor = root.walk();
  const parents: number[] = [];
  const visit = (): void => {
    do {
      out.push({ node: cursor.currentNode, typeId: cursor.nodeTypeId, type: cursor.nodeType, endIndex: cursor.endIndex, field: cursor.currentFieldName, parentId: parents.at(-1) ?? null });
      if (cursor.gotoFirstChild()) {
        parents.push(cursor.currentNode.parent!.id);
        visit();
        parents.pop();
        cursor.gotoParent();
      }
    } while (cursor.gotoNextSibling());
  };
  visit();
  cursor.delete();
  return out;
}

test('every node: type, end, parent and field children agree with the cursor, asked twice', () => {
  const tree = parsePython(SOURCE);
  try {
    const seen = walk(tree.rootNode);
    assert.ok(seen.length > 150, `walked ${seen.length} nodes`);
    for (let round = 0; round < 2; round++) {
      for (const s of seen) {
        const where = `${s.type} at ${s.node.startIndex} (round ${round})`;
        assert.equal(s.node.typeId, s.typeId, where);
        assert.equal(s.node.type, s.type, where);
        assert.equal(s.node.endIndex, s.endIndex, where);
        assert.equal(s.node.text, SOURCE.slice(s.node.startIndex, s.endIndex), where);
        assert.equal(s.node.parent?.id ?? null, s.parentId, where);
        if (s.field !== null) {
          const first = seen.find((o) => o.parentId === s.parentId && o.field === s.field)!;
          const viaField = s.node.parent!.childForFieldName(s.field);
          assert.equal(viaField?.id, first.node.id, where);
          assert.equal(viaField?.startIndex, first.node.startIndex, where);
        }
      }
    }
    assert.equal(tree.rootNode.childForFieldName('no_such_field'), null);
  } finally {
    tree.delete();
  }
});

test('ancestors reached from different children are the same objects', () => {
  const tree = parsePython(SOURCE);
  try {
    const zs = tree.rootNode.descendantsOfType('identifier').filter((n) => n?.text === 'z') as Node[];
    assert.ok(zs.length >= 4);
    const fnOf = (n: Node): Node => {
      let cur = n.parent!;
      while (cur.type !== 'function_definition') cur = cur.parent!;
      return cur;
    };
    const inner = fnOf(zs[1]!);
    assert.equal(inner.childForFieldName('name')?.text, 'inner');
    for (const z of zs.slice(1)) assert.equal(fnOf(z), inner);
  } finally {
    tree.delete();
  }
});

test('an edited tree is asked afresh', () => {
  const tree = parsePython(SOURCE);
  try {
    const root = tree.rootNode;
    assert.equal(root.endIndex, SOURCE.length);
    // Insert 4 characters at the start: every node's end moves by 4.
    tree.edit({ startIndex: 0, oldEndIndex: 0, newEndIndex: 4, startPosition: { row: 0, column: 0 }, oldEndPosition: { row: 0, column: 0 }, newEndPosition: { row: 0, column: 4 } });
    assert.equal(tree.rootNode.endIndex, SOURCE.length + 4);
  } finally {
    tree.delete();
  }
});
