// Casebook's search worker: Pagefind's own worker (pagefind-worker.js), with one change.
//
// A search with filters and no words (/search/?lang=it, a reader browsing by facet) reads no
// word of the index: Pagefind lists the pages of the filters. Pagefind 1.5 still asks for the
// chunks that hold an empty word, and every chunk does: the browser downloaded the whole word
// index, 10.9 MB at 10,000 cases, before showing the results. Here the empty word asks for no
// chunk; a search with words is Pagefind's, unchanged. This file is <site>/theme/js/; Pagefind's
// bundle is <site>/pagefind/ (Pagefind 1.5: wasm_bindgen is the engine's global, whose
// request_indexes(ptr, term) returns the chunks' names as a JSON array).

importScripts("../../pagefind/pagefind-worker.js");

if (typeof wasm_bindgen !== "undefined" && typeof wasm_bindgen.request_indexes === "function") {
  const requestIndexes = wasm_bindgen.request_indexes;
  wasm_bindgen.request_indexes = (ptr, term) => (term === "" ? "[]" : requestIndexes(ptr, term));
}
