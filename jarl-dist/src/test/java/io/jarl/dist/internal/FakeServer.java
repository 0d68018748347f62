package io.jarl.dist.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A one-connection server for tests that plays a misbehaving EPMD or peer: it accepts one
 * connection and runs a script on it, in a virtual thread. {@link #close()} closes everything and
 * waits for the script, and rethrows what the script threw.
 */
final class FakeServer implements AutoCloseable {
    interface Script {
        void run(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile Socket socket;

    private FakeServer(Script script) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("fake-server").start(() -> {
            try (Socket s = server.accept()) {
                socket = s;
                script.run(s);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
    }

    static FakeServer start(Script script) {
        try {
            return new FakeServer(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    /** Reads a request framed with a 2-byte length. */
    static byte[] readPacket2(InputStream in) throws IOException {
        byte[] header = in.readNBytes(2);
        if (header.length < 2) {
            throw new IOException("closed before a request");
        }
        byte[] body = in.readNBytes(((header[0] & 0xFF) << 8) | (header[1] & 0xFF));
        return body;
    }

    /** Blocks until the peer closes (or the test closes this server). */
    static void holdUntilClosed(Socket socket) throws IOException {
        socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
        while (socket.getInputStream().read() >= 0) {
            // discard
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        Socket s = socket;
        if (s != null) {
            s.close();
        }
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof IOException)) {
                throw e;
            }
        } catch (java.util.concurrent.TimeoutException e) {
            // the script never got a connection: nothing to wait for
        }
    }
}
