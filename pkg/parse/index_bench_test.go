package parse_test

import (
	"testing"

	"github.com/trailscan/trailscan/pkg/parse"
)

// BenchmarkIndex times each vector indexer alone on generated CloudTrail
// documents, in buffers of the scanner's size. cpuMB/s counts CPU time,
// as BenchmarkReader does.
func BenchmarkIndex(b *testing.B) {
	const bufSize = 256 << 10
	var bufs [][]byte
	buf := make([]byte, 0, bufSize)
	for _, doc := range generatedDocs(b, 8<<20) {
		for len(doc) > 0 {
			n := copy(buf[len(buf):cap(buf)], doc)
			buf, doc = buf[:len(buf)+n], doc[n:]
			if len(buf) == cap(buf) {
				bufs = append(bufs, buf)
				buf = make([]byte, 0, bufSize)
			}
		}
	}
	quotes := make([]int32, bufSize+parse.QuoteSlack)
	escapeBlocks := make([]int32, bufSize/64)
	high := make([]uint64, bufSize/64)
	for name, noAVX512 := range parse.Indexers() {
		b.Run(name, func(b *testing.B) {
			size := int64(len(bufs) * bufSize)
			b.SetBytes(size)
			cpu0 := cpuTime()
			for b.Loop() {
				for _, buf := range bufs {
					parse.IndexBlocks(buf, quotes, escapeBlocks, high, noAVX512)
				}
			}
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "cpuMB/s")
			}
		})
	}
}
