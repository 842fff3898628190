package io.bmagent.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.MethodDescriptor.MethodType;
import org.junit.jupiter.api.Test;

class ReadsOnEventLoopTest {

  @Test
  void onlyUnaryReadsOfTheApiAndHealthChecksSkipTheHandlerPool() {
    assertTrue(ReadsOnEventLoop.isRead("bmagent.v1.InstanceService/GetInstance", MethodType.UNARY));
    assertTrue(ReadsOnEventLoop.isRead("bmagent.v1.NetworkService/ListVpcMappings", MethodType.UNARY));
    assertTrue(ReadsOnEventLoop.isRead("grpc.health.v1.Health/Check", MethodType.UNARY));
    assertFalse(ReadsOnEventLoop.isRead("bmagent.v1.VolumeService/AttachVolume", MethodType.UNARY),
        "a mutation waits for fsync");
    assertFalse(ReadsOnEventLoop.isRead("bmagent.v1.AgentService/WatchEvents", MethodType.SERVER_STREAMING));
    assertFalse(ReadsOnEventLoop.isRead("grpc.health.v1.Health/Watch", MethodType.SERVER_STREAMING));
    assertFalse(ReadsOnEventLoop.isRead("other.v1.Service/GetThing", MethodType.UNARY));
    assertFalse(ReadsOnEventLoop.isRead("bmagent.v1.InstanceService/GetConsoleOutput", MethodType.UNARY),
        "the console is read from the card");
  }
}
