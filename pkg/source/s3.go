package source

import (
	"context"
	"errors"
)

func newS3(ctx context.Context, bucketPrefix string, opts Options) (Source, error) {
	return nil, errors.New("s3 sources are not supported yet")
}
