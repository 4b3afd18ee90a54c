// Package report writes a scan's result as a table for people, JSON for
// programs, CSV for spreadsheets, or one self-contained HTML page for a
// reviewer.
//
// A report is a summary (whether the result is complete, then the totals)
// followed by sections: the main table (actions, or the groups of --by),
// sessions, notable calls, Support authorization events and unreadable
// files. One function builds each section for every format, so that the
// formats agree. The table fits 100 columns: it prints the first rows of
// each section (those most worth reading when not all fit) and says how
// many it left out, and it cuts long cells with "…". JSON, CSV and HTML
// keep every row and every cell whole. CSV writes one section at a time
// (see Section).
//
// Every string in a result may come from a log, and anyone who can call an
// AWS API writes into logs: the table escapes what a terminal would
// interpret, and never cuts inside an escape or a character; CSV defuses
// what a spreadsheet would run as a formula; and the HTML page escapes by
// context (html/template) under a Content-Security-Policy that lets only
// its own script and style apply, by their hashes.
//
// A result of scan --verify opens with one line that says whether the
// answer is proven complete, and lists each integrity finding.
//
// report builds only on summarize, diff and integrity (the findings it
// writes), and must never import source, scan, state or cmd: it writes a
// Result, or a comparison of two, whatever produced them.
package report
