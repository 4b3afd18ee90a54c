// Command trailscan reports what AWS Support did in AWS accounts, from
// CloudTrail logs on disk or in S3.
//
// It only wires flags to packages: what a scan reads, keeps, counts and
// writes is decided in pkg/, never here. Nothing imports it.
package main
