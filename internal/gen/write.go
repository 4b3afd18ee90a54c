package gen

import (
	"context"
	"fmt"
	"sync"
)

// Write writes the archive c describes below dir, with the keys of S3 as
// relative paths, and returns what it wrote. dir should be empty: files
// already there are neither removed nor counted.
func Write(dir string, c Config) (Manifest, error) {
	return WriteContext(context.Background(), dir, c)
}

// WriteContext is Write, stopping early with ctx's error when ctx is done.
func WriteContext(ctx context.Context, dir string, c Config) (Manifest, error) {
	c, err := c.withDefaults()
	if err != nil {
		return Manifest{}, err
	}
	jobs := c.plan()
	outs := make([]output, len(jobs))
	if err := run(ctx, c.Workers, len(jobs), func(w *worker, i int) error {
		return w.do(dir, &c, jobs[i], &outs[i])
	}); err != nil {
		return Manifest{}, err
	}
	var m Manifest
	for i := range outs {
		m.merge(&outs[i])
	}
	if c.Digests {
		if err := writeDigests(ctx, dir, &c, outs, &m); err != nil {
			return Manifest{}, err
		}
	}
	m.finish(&c)
	return m, nil
}

// run calls do for every index below n on the given number of workers,
// each with its own buffers, and returns the first error.
func run(ctx context.Context, workers, n int, do func(w *worker, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range n {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			w := newWorker()
			for i := range next {
				if err := do(w, i); err != nil {
					cancel(err)
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	return nil
}
