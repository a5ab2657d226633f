package reportcmd_test

import hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

type hdrHistogram = hdrhistogram.Histogram

func decodeHDR(s string) (*hdrHistogram, error) { return hdrhistogram.Decode([]byte(s)) }
