/**
 * Where a JSON walk stands with respect to the entries' paths, as a small automaton: a frame holds the rules
 * that apply to the value here and the path cursors that may still reach below it. A frame's child for a key
 * depends only on the frame and on which segment names the key equals, so children are made once and kept on
 * the frame; frames with the same content are one frame. The 2,000 elements of an array then reuse the
 * same few frames instead of allocating cursors and frames for every key (json-walk.ts), and so do the
 * walks that follow over the same rule list.
 */
import type { CompiledPath, PathKey } from './json-path.js';
import type { CompiledRule } from './rules.js';

interface Cursor {
  path: CompiledPath;
  rule: CompiledRule;
  at: number;
}

/** Stands for any key or index that no segment names: it equals no segment's key. */
const OTHER = Symbol('other key');

export class Frame {
  /** A user regex is active here: strings get a precise pass. */
  readonly hasRegex: boolean;
  /** The object keys the cursors' next segments name ('*' excluded: it matches every key the same way). */
  readonly names: readonly string[];
  /** The array indices the cursors' next segments name. */
  readonly indices: readonly number[];
  private readonly named: Array<Frame | undefined>;
  private readonly indexed: Array<Frame | undefined>;
  private other: Frame | undefined;

  constructor(
    private readonly automaton: PathFrames,
    readonly active: readonly CompiledRule[],
    readonly cursors: readonly Cursor[],
  ) {
    this.hasRegex = active.some((r) => r.isRegex);
    const names: string[] = [];
    const indices: number[] = [];
    for (const c of cursors) {
      const key = c.path[c.at]!.key;
      if (typeof key === 'number') {
        if (!indices.includes(key)) indices.push(key);
      } else if (key !== '*' && !names.includes(key)) names.push(key);
    }
    this.names = names;
    this.indices = indices;
    this.named = names.map(() => undefined);
    this.indexed = indices.map(() => undefined);
  }

  /** The frame under key names[i] (i >= 0), or under a key no segment names (i < 0). */
  keyChild(i: number): Frame {
    if (this.cursors.length === 0) return this;
    if (i < 0) return (this.other ??= this.automaton.step(this, OTHER));
    return (this.named[i] ??= this.automaton.step(this, this.names[i]!));
  }

  /** The frame under array index i. */
  indexChild(i: number): Frame {
    if (this.cursors.length === 0) return this;
    const k = this.indices.length === 0 ? -1 : this.indices.indexOf(i);
    if (k < 0) return (this.other ??= this.automaton.step(this, OTHER));
    return (this.indexed[k] ??= this.automaton.step(this, i));
  }
}

/** Frames kept beyond this many are dropped (the next walk starts afresh): paths with many `..` make many. */
const MAX_FRAMES = 4096;
const AUTOMATA = new WeakMap<readonly CompiledRule[], PathFrames>();

/**
 * The frames of a rule list, kept between walks: a gateway masks response after response with one list, and
 * making the few frames of a small body anew cost more than walking it.
 */
export function pathFramesOf(rules: readonly CompiledRule[]): PathFrames {
  let frames = AUTOMATA.get(rules);
  if (frames === undefined || frames.size > MAX_FRAMES) AUTOMATA.set(rules, (frames = new PathFrames(rules)));
  return frames;
}

/** The frames of one rule list. */
export class PathFrames {
  /** A frame no rule applies to and no path can reach below. */
  readonly dead: Frame;
  readonly root: Frame;
  private readonly frames = new Map<string, Frame>();
  private readonly ruleIds = new Map<CompiledRule, number>();
  private readonly pathIds = new Map<CompiledPath, number>();

  get size(): number {
    return this.frames.size;
  }

  constructor(rules: readonly CompiledRule[]) {
    this.dead = new Frame(this, [], []);
    this.frames.set(String.fromCharCode(0xffff, 0xffff), this.dead);
    const active: CompiledRule[] = [];
    const cursors: Cursor[] = [];
    for (const r of rules) {
      this.ruleIds.set(r, this.ruleIds.size);
      if (r.paths === null) active.push(r);
      else for (const path of r.paths) cursors.push({ path, rule: r, at: 0 });
    }
    for (const c of cursors) if (!this.pathIds.has(c.path)) this.pathIds.set(c.path, this.pathIds.size);
    this.root = this.activate(active, cursors);
  }

  /** The frame one key below: the cursors stepped by the key (see stepPath). */
  step(frame: Frame, key: PathKey | typeof OTHER): Frame {
    const next: Cursor[] = [];
    for (const c of frame.cursors) {
      const seg = c.path[c.at]!;
      if (seg.descendant) next.push(c);
      if (seg.key === '*' || seg.key === key) next.push({ path: c.path, rule: c.rule, at: c.at + 1 });
    }
    return this.activate(frame.active, next);
  }

  /**
   * The frame whose cursors that reached the end of their path turned into active rules (in the order they
   * arrive, after base's). A cursor whose rule is already active has nothing left to select, and a cursor
   * listed twice steps the same way twice: both are dropped, which keeps frames few under `..` paths.
   */
  private activate(base: readonly CompiledRule[], cursors: readonly Cursor[]): Frame {
    let active = base;
    const pending: Cursor[] = [];
    for (const c of cursors) {
      if (active.includes(c.rule)) continue;
      if (c.at === c.path.length) active = [...active, c.rule];
      else if (!pending.some((p) => p.rule === c.rule && p.path === c.path && p.at === c.at)) pending.push(c);
    }
    // Each number as two UTF-16 code units: exact for every value below 2^32.
    const codes: number[] = [];
    const put = (n: number) => codes.push(n & 0xffff, n >>> 16);
    for (const r of active) put(this.ruleIds.get(r)!);
    put(0xffffffff);
    for (const c of pending) put(this.ruleIds.get(c.rule)!), put(this.pathIds.get(c.path)!), put(c.at);
    const signature = String.fromCharCode(...codes);
    let frame = this.frames.get(signature);
    if (frame === undefined) this.frames.set(signature, (frame = new Frame(this, active, pending)));
    return frame;
  }
}
