// The page's lesson reducer (static/sanke/live/state.js) against Python's events.replay, on event logs.
//
// Each log in the folder named by EVENT_LOGS holds a lesson's events and the state Python reached from
// them (events.snapshot); sanke/live/tests/test_state_js.py writes the folder and runs this file with node.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { replay, snapshot } from "../../../static/sanke/live/state.js";

const folder = process.env.EVENT_LOGS;
assert.ok(folder, "EVENT_LOGS names the folder of event logs");
const files = readdirSync(folder).filter((name) => name.endsWith(".json")).sort();
assert.ok(files.length > 0, `no event logs in ${folder}`);

for (const name of files) {
  const log = JSON.parse(readFileSync(join(folder, name), "utf8"));
  test(`${name} (${log.source}, ${log.events.length} events)`, () => {
    // JSON keys are strings on both sides; deepStrictEqual ignores the order of keys, not of lists
    assert.deepStrictEqual(JSON.parse(JSON.stringify(snapshot(replay(log.events)))), log.expected);
  });
}
