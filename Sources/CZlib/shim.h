// zlib, for inflating gzip bodies with the stream's own end and CRC-32 checks (RelayHTTP.Gzip).
#include <zlib.h>
