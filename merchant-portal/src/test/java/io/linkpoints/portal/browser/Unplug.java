package io.linkpoints.portal.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP pass-through on localhost that a test can unplug: the phone's browser reaches the service only through it, so
 * "no network" is real for the page and its service worker alike (ChromeDriver's network conditions only reach the
 * page, not the worker's own fetches). Unplugged, open connections are cut and new ones refused.
 */
public final class Unplug implements AutoCloseable {
  private final int target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;

  public Unplug(int targetPort) throws IOException {
    this.target = targetPort;
    ServerSocket first = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = first.getLocalPort();
    listen(first);
  }

  public int port() {
    return port;
  }

  public synchronized void plugIn() throws IOException {
    if (listener == null) {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      listen(s);
    }
  }

  public synchronized void unplug() {
    ServerSocket s = listener;
    listener = null;
    closeQuietly(s);
    open.forEach(Unplug::closeQuietly);
    open.clear();
  }

  private void listen(ServerSocket s) {
    listener = s;
    Thread accept = new Thread(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
          open.add(client);
          open.add(server);
          pump(client, server);
          pump(server, client);
        } catch (IOException e) {
          return; // unplugged
        }
      }
    }, "unplug-accept");
    accept.setDaemon(true);
    accept.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // one side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "unplug-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    unplug();
  }
}
