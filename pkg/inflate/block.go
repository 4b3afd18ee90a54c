package inflate

// The exact decoder: block headers, stored blocks, and the codewords the
// fast loop leaves to it (the end of a block, anything bad, and the last
// bytes of input). It takes input a byte at a time when it needs bits, as
// klauspost/compress does, so that where the input ends or turns bad it
// stops after the same output, with the same error and offset.

// block reads a block header.
func (z *Reader) block() error {
	if err := z.need(3); err != nil {
		return err
	}
	z.final = z.bb&1 != 0
	typ := z.bb >> 1 & 3
	z.consume(3)
	switch typ {
	case 0:
		return z.storedHeader()
	case 1:
		z.lt, z.dt = &fixedLit, &fixedDist
		z.llMaxRead, z.dMaxRead = 7, 5
		z.preStale, z.distStale = false, false
		z.state = stHuffman
		return nil
	case 2:
		if err := z.dynamic(); err != nil {
			return err
		}
		z.state = stHuffman
		return nil
	}
	return z.corrupt()
}

// storedHeader reads a stored block's length and its complement.
func (z *Reader) storedHeader() error {
	// The length starts at the next byte: give back the whole bytes in
	// the bit buffer. klauspost/compress counts those twice in its
	// offsets from here on.
	z.consume(z.bl & 7)
	back := int(z.bl >> 3)
	z.offsetBias += int64(back)
	z.ip -= back
	z.bb, z.bl = 0, 0
	b, err := z.readFull(4)
	if err != nil {
		return noEOF(err)
	}
	n := uint16(b[0]) | uint16(b[1])<<8
	if nn := uint16(b[2]) | uint16(b[3])<<8; nn != ^n {
		return z.corrupt()
	}
	z.storedLeft = int(n)
	z.state = stStored
	return nil
}

// stored copies a stored block's bytes, as many as there are room for.
func (z *Reader) stored() error {
	for z.storedLeft > 0 {
		if z.ip == z.inLen && !z.fill() {
			return noEOF(z.rerr)
		}
		n := copy(z.out[z.op:outLimit], z.in[z.ip:min(z.inLen, z.ip+z.storedLeft)])
		z.op += n
		z.ip += n
		z.storedLeft -= n
		if z.op >= outLimit {
			return nil
		}
	}
	z.endBlock()
	return nil
}

func (z *Reader) endBlock() {
	if z.final {
		z.state = stTrailer
	} else {
		z.state = stBlock
	}
}

var preOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// dynamic reads the codes of a dynamic Huffman block and builds their
// tables.
func (z *Reader) dynamic() error {
	if err := z.need(5 + 5 + 4); err != nil {
		return err
	}
	nlit := int(z.bb&31) + 257
	if nlit > maxLit {
		return z.corrupt()
	}
	ndist := int(z.bb>>5&31) + 1
	if ndist > maxDist {
		return z.corrupt()
	}
	npre := int(z.bb>>10&15) + 4
	z.consume(5 + 5 + 4)

	var preLens [19]uint8
	for i := range npre {
		if err := z.need(3); err != nil {
			return err
		}
		preLens[preOrder[i]] = uint8(z.bb & 7)
		z.consume(3)
	}
	pre := build(z.pre[:], preLens[:], preResults[:], preBits)
	if !pre.ok {
		return z.corrupt()
	}
	z.preStale = pre.empty && z.built1
	z.built1 = z.built1 || !pre.empty

	lens := z.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		// lookup, for a table without subtables.
		if err := z.need(uint(pre.min)); err != nil {
			return err
		}
		e := z.pre[z.bb&(preSize-1)]
		n := uint(e >> 8 & 15)
		for n > z.bl {
			if err := z.need(n); err != nil {
				return err
			}
			e = z.pre[z.bb&(preSize-1)]
			n = uint(e >> 8 & 15)
		}
		if e&eBad != 0 {
			z.stale = z.preStale
			return z.corrupt()
		}
		z.consume(n)
		sym := e >> 16
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var rep, extra uint
		var v uint8
		switch sym {
		case 16:
			if i == 0 {
				return z.corrupt()
			}
			rep, extra, v = 3, 2, lens[i-1]
		case 17:
			rep, extra = 3, 3
		default:
			rep, extra = 11, 7
		}
		if err := z.need(extra); err != nil {
			return err
		}
		rep += uint(z.bb) & (1<<extra - 1)
		z.consume(extra)
		if i+int(rep) > len(lens) {
			return z.corrupt()
		}
		for range rep {
			lens[i] = v
			i++
		}
	}

	lit := build(z.lit[:], lens[:nlit], litlenResults[:], llBits)
	if !lit.ok {
		return z.corrupt()
	}
	dist := build(z.dist[:], lens[nlit:], distResults[:], dBits)
	if !dist.ok {
		return z.corrupt()
	}
	z.lt, z.dt = &z.lit, &z.dist
	z.llMaxRead = uint(max(lit.min, lens[256]))
	if lit.empty {
		// klauspost/compress decodes with what its decoder holds: the
		// code for code lengths, its symbols as literals.
		build(z.lit[:], preLens[:], litlenResults[:], llBits)
		z.llMaxRead = 0
	}
	if !z.final {
		// klauspost/compress reads ahead the smallest next block too.
		z.llMaxRead += 10
	}
	z.dMaxRead = uint(dist.min)
	z.distStale = dist.empty && z.built2
	z.built2 = z.built2 || !dist.empty
	return nil
}

// lookup decodes a codeword with table t the way klauspost/compress does:
// it takes bits until it holds maxRead, then looks the bits it holds up
// (those it lacks read as zeros, which gives the shortest codeword they may
// start), taking more while the codeword found is longer than what it
// holds. It returns the entry and the codeword's length, without consuming
// it.
func (z *Reader) lookup(t []uint32, bits, maxRead uint) (uint32, uint, error) {
	if err := z.need(maxRead); err != nil {
		return 0, 0, err
	}
	for {
		e := t[z.bb&(1<<bits-1)]
		n := uint(e >> 8 & 15)
		if e&eSubtable != 0 {
			e = t[uint(e>>16)+uint(z.bb>>bits)&(1<<n-1)]
			n = bits + uint(e>>8&15)
		}
		if n <= z.bl {
			return e, n, nil
		}
		if err := z.need(n); err != nil {
			return 0, 0, err
		}
	}
}

// extra returns the length or distance of entry e, reading its extra bits.
func (z *Reader) extra(e uint32) (int, error) {
	n := uint(e&0xff) - uint(e>>8&15)
	if err := z.need(n); err != nil {
		return 0, err
	}
	v := int(e>>16) + int(z.bb&(1<<n-1))
	z.consume(n)
	return v, nil
}

// huffman decodes a Huffman block until out is full or the block ends.
func (z *Reader) huffman() error {
	for z.op < outLimit {
		switch {
		case z.loop == loopExact:
		case z.inLen-z.ip > fastIn:
			if !z.fast() {
				continue
			}
		case z.rerr == nil:
			z.fill()
			continue
		}
		end, err := z.symbol()
		if err != nil {
			return err
		}
		if end {
			z.endBlock()
			return nil
		}
	}
	return nil
}

// symbol decodes one literal, match or end of block.
func (z *Reader) symbol() (end bool, err error) {
	e, n, err := z.lookup(z.lt[:], llBits, z.llMaxRead)
	if err != nil {
		return false, err
	}
	if e&eBad != 0 {
		return false, z.corrupt()
	}
	z.consume(n)
	if e&eLiteral != 0 {
		z.out[z.op] = byte(e >> 16)
		z.op++
		return false, nil
	}
	if e&eEnd != 0 {
		return true, nil
	}
	length, err := z.extra(e)
	if err != nil {
		return false, err
	}
	e, n, err = z.lookup(z.dt[:], dBits, z.dMaxRead)
	if err != nil {
		return false, err
	}
	if e&eBad != 0 {
		z.stale = z.distStale && n == 0
		return false, z.corrupt()
	}
	z.consume(n)
	dist, err := z.extra(e)
	if err != nil {
		return false, err
	}
	if dist > z.op-z.lo {
		return false, z.corrupt()
	}
	// The match repeats its first dist bytes: copy what is done after
	// itself, doubling, a whole number of repeats each time.
	out := z.out[z.op-dist : z.op+length]
	for n := dist; n < len(out); n <<= 1 {
		copy(out[n:], out[:n])
	}
	z.op += length
	return false, nil
}
