package dev.dnsd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** A plain DNS client for tests: one query, one answer, over UDP or TCP, with a timeout. */
public final class TestDns {
  private static final int TIMEOUT_MS = 5000;

  private TestDns() {}

  /** A query for the name, which may leave out the final dot. */
  public static Message query(String name, int type) {
    try {
      return query(Name.fromString(name, Name.root), type);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static Message query(Name name, int type) {
    return Message.newQuery(Record.newRecord(name, type, DClass.IN));
  }

  public static Message udp(InetSocketAddress server, Message query) throws IOException {
    return new Message(udpRaw(server, query.toWire()));
  }

  public static byte[] udpRaw(InetSocketAddress server, byte[] query) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(TIMEOUT_MS);
      socket.send(new DatagramPacket(query, query.length, server));
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      socket.receive(packet);
      return Arrays.copyOf(buffer, packet.getLength());
    }
  }

  public static Message tcp(InetSocketAddress server, Message query) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      write(socket, query.toWire());
      return new Message(read(socket));
    }
  }

  public static void write(Socket socket, byte[] message) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeShort(message.length);
    out.write(message);
    out.flush();
  }

  public static byte[] read(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] message = new byte[in.readUnsignedShort()];
    in.readFully(message);
    return message;
  }

  public static Message a(String name) {
    return query(name, Type.A);
  }
}
