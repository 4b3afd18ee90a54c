// Package report writes a scan's result as a table for people, JSON for
// programs, or CSV for spreadsheets.
//
// Every string in a result may come from a log, and anyone who can call an
// AWS API writes into logs: the table escapes what a terminal would
// interpret, and CSV defuses what a spreadsheet would run as a formula.
package report
