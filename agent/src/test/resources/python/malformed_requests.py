"""Sends hand-encoded malformed requests with Python grpcio (a second gRPC implementation) and prints each answer.

Usage: malformed_requests.py HOST:PORT. Prints "<method> <status code> <details>" per call; exits 1 when a call
unexpectedly succeeds.
"""
import sys

import grpc

CALLS = [
    # GetVolumeRequest.volume_id (field 1) holding bytes that are not UTF-8.
    ("/bmagent.v1.VolumeService/GetVolume", bytes([0x0A, 0x05]) + b"vol" + bytes([0xC3, 0x28])),
    # ListVpcMappingsRequest whose field 3 claims 127 bytes and has 1.
    ("/bmagent.v1.NetworkService/ListVpcMappings", bytes([0x1A, 0x7F]) + b"x"),
]


def main():
    failed = False
    with grpc.insecure_channel(sys.argv[1]) as channel:
        for method, request in CALLS:
            call = channel.unary_unary(method)  # no serializer: the bytes go as they are
            try:
                call(request, timeout=30)
                print(method.rsplit("/", 1)[1], "OK")
                failed = True
            except grpc.RpcError as e:
                print(method.rsplit("/", 1)[1], e.code().name, e.details())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
