package shard_test

import (
	"fmt"

	"github.com/trailscan/trailscan/pkg/shard"
)

func ExampleParse() {
	// Inside a Kubernetes indexed Job, the third pod sees:
	getenv := func(name string) string {
		if name == "JOB_COMPLETION_INDEX" {
			return "2"
		}
		return ""
	}
	spec, err := shard.Parse("auto/4", getenv)
	fmt.Println(spec, err)
	// Output: 2/4 <nil>
}

func ExampleUnit() {
	// An account trail's and an organization trail's copies of one
	// account's day go to the same shard.
	fmt.Println(shard.Unit("acct/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/a.json.gz"))
	fmt.Println(shard.Unit("org/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/10/01/b.json.gz"))
	// Output:
	// 111122223333/eu-west-1/2026/10/01
	// 111122223333/eu-west-1/2026/10/01
}
