/** The OpenAI-compatible HTTP server on Reactor Netty. */
module dev.contemplate.server {
    requires transitive dev.contemplate.orchestrator;
    requires reactor.netty.core;
    requires reactor.netty.http;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.contemplate.server;
}
