package source

// SetPageSize makes the listings of an S3 location ask for n keys a page,
// so that a small tree is listed as a large one is, a page at a time.
func SetPageSize(l *Location, n int32) { l.driver.(*s3Bucket).pageSize = n }
