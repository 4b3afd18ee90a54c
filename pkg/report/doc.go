// Package report writes a scan's result as a table for people, JSON for
// programs, CSV for spreadsheets, or one self-contained HTML page for a
// reviewer.
//
// Every string in a result may come from a log, and anyone who can call an
// AWS API writes into logs: the table escapes what a terminal would
// interpret, CSV defuses what a spreadsheet would run as a formula, and the
// HTML page escapes by context (html/template) under a Content-Security-
// Policy that lets only its own script run.
//
// A result of scan --verify opens with one line that says whether the
// answer is proven complete, and lists each integrity finding.
//
// report builds only on summarize and integrity (the findings it writes),
// and must never import source, scan, state or cmd: it writes a Result,
// whatever produced it.
package report
