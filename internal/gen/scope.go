package gen

import (
	"fmt"
	"time"
)

// scope is what the records of one file share: the account, its partition
// and region, the day, and the Support sessions of that account and day.
type scope struct {
	c       *Config
	account string
	part    string
	region  string
	home    string    // region of global services (IAM, Support) in the partition
	day     time.Time // midnight starting the day the file's events belong to
	dayN    int
}

func newScope(c *Config, account, region string, day int) *scope {
	p := c.partitionOf(account)
	return &scope{
		c:       c,
		account: account,
		part:    p,
		region:  region,
		home:    partitions[p].regions[0],
		day:     c.Start.AddDate(0, 0, day),
		dayN:    day,
	}
}

// arn builds an ARN in the scope's partition.
func (s *scope) arn(service, region, account, res string) string {
	return "arn:" + s.part + ":" + service + ":" + region + ":" + account + ":" + res
}

func (s *scope) roleARN(path, name string) string {
	return s.arn("iam", "", s.account, "role/"+path+name)
}

func (s *scope) assumedARN(role, session string) string {
	return s.arn("sts", "", s.account, "assumed-role/"+role+"/"+session)
}

// supportRoleARN is the ARN of the Support service-linked role.
func (s *scope) supportRoleARN() string {
	return s.roleARN(supportPath, supportRole)
}

const (
	supportRole    = "AWSServiceRoleForSupport"
	supportPath    = "aws-service-role/support.amazonaws.com/"
	supportService = "support.amazonaws.com"
	authzService   = "supportauthz.amazonaws.com"
)

// roleID returns the stable unique ID (AROA...) of a role in the scope's
// account: the same role has the same ID in every file.
func (s *scope) roleID(name string) string {
	return newRNG(s.c.Seed, hashString(s.account), hashString(name)).keyID("AROA")
}

// session is one Support engagement: the calls made under one session name.
type session struct {
	name    string
	created time.Time
	keyID   string
}

// sessionAt returns the Support session active at t. Each account has three
// sessions a day, one per eight hours, so that a day's Support calls group
// into a few engagements whatever file they are in.
func (s *scope) sessionAt(t time.Time) session {
	start := t.Truncate(8 * time.Hour)
	r := newRNG(s.c.Seed, hashString(s.account), uint64(start.Unix()), 0x5e55)
	return session{
		name:    "AWSSupport-" + r.hex(16),
		created: start,
		keyID:   r.keyID("ASIA"),
	}
}

// host is the endpoint a client would call for service (ec2, iam, ...).
func (s *scope) host(service string, global bool) string {
	suffix := ".amazonaws.com"
	if s.part == "aws-cn" {
		suffix = ".amazonaws.com.cn"
	}
	if global {
		return service + suffix
	}
	return service + "." + s.region + suffix
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// accessDenied is the message IAM gives a caller lacking a permission.
func accessDenied(caller, service, name, resource string) string {
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s:%s", caller, service, name)
	if resource != "" {
		msg += " on resource: " + resource
	}
	return msg + " because no identity-based policy allows the " + service + ":" + name + " action"
}
