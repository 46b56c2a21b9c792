package imageio

import "encoding/binary"

// jpegSegment is one marker segment of a JPEG file: its marker byte and
// the data after the length field.
type jpegSegment struct {
	marker byte
	body   []byte
}

// jpegSegments returns the marker segments of a JPEG file before its
// first scan (where the metadata lives). A malformed structure ends the
// list where it goes wrong: the metadata readers never fail a decode.
func jpegSegments(data []byte) []jpegSegment {
	var segs []jpegSegment
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			break
		}
		marker := data[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		if marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01 {
			i += 2 // markers without a length
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			break
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			break
		}
		segs = append(segs, jpegSegment{marker, data[i+4 : i+2+n]})
		i += 2 + n
	}
	return segs
}

// tiffEntry finds tag in the first image directory of a TIFF structure (a
// TIFF file, or the body of an Exif block) and returns the byte order and
// the tag's 12-byte entry; ok is false when the tag is not there or the
// structure is malformed before it.
func tiffEntry(t []byte, tag uint16) (bo binary.ByteOrder, entry []byte, ok bool) {
	if len(t) < 8 {
		return nil, nil, false
	}
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, nil, false
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return nil, nil, false
	}
	for e := range int64(bo.Uint16(t[off:])) {
		p := off + 2 + 12*e
		if p+12 > int64(len(t)) {
			return nil, nil, false
		}
		if bo.Uint16(t[p:]) == tag {
			return bo, t[p : p+12], true
		}
	}
	return nil, nil, false
}
