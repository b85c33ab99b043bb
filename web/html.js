// One place that binds htm to Preact, so every module writes `html\`...\`` the same way.
import { h, render, Fragment } from '/vendor/preact.js';
import htm from '/vendor/htm.js';

export const html = htm.bind(h);
export { h, render, Fragment };
export {
  useState, useEffect, useMemo, useRef, useCallback, useReducer, useLayoutEffect,
} from '/vendor/preact-hooks.js';
