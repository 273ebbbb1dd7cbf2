/**
 * RuleTester for masking detectors: `valid` texts must yield no match, each `invalid` case must yield exactly
 * the listed matched substrings (in order) and, masked with replace 'partial', exactly `output`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTORS } from '../../gateway/mask/registry.js';
import { compileMasker } from '../../gateway/mask/masker.js';
import type { DetectorName } from '../../gateway/mask/names.js';

export interface InvalidCase {
  text: string;
  found: string[];
  output?: string;
}

export interface DetectorTable {
  valid: string[];
  invalid: InvalidCase[];
  options?: { name?: string; pattern?: string };
}

export function runDetectorTable(name: DetectorName, table: DetectorTable): void {
  const detector = DETECTORS[name].create(table.options ?? {});
  const masker = compileMasker([{ detector: name, replace: 'partial', ...table.options }]);
  for (const text of table.valid) {
    test(`${name} valid: ${JSON.stringify(text)}`, () => {
      assert.deepEqual(detector.find(text).map((s) => text.slice(s.start, s.end)), []);
      assert.equal(masker.maskText(text).text, text);
    });
  }
  for (const c of table.invalid) {
    test(`${name} invalid: ${JSON.stringify(c.text)}`, () => {
      assert.deepEqual(detector.find(c.text).map((s) => c.text.slice(s.start, s.end)), c.found);
      const r = masker.maskText(c.text);
      if (c.output !== undefined) assert.equal(r.text, c.output);
      const countName = name === 'regex' ? table.options!.name! : name;
      assert.deepEqual(r.counts, { [countName]: c.found.length });
      for (const v of c.found) assert.ok(!r.text.includes(v), 'the matched value is gone from the output');
      // A detector that declares needsDigit is skipped on digit-free text: every match must hold a digit.
      if (detector.needsDigit === true) for (const v of c.found) assert.match(v, /\d/, 'needsDigit: a match holds a digit');
    });
  }
}
