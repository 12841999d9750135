using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Greenlets.Tests;

public class GreenStreamTests
{
    // A size the shared pool keeps; the pool hands a just-returned array out again first on the thread that returned it,
    // so renting right after an interruption, on the interrupted greenlet's thread, gets the buffer if it was returned.
    private const int Size = 65536;

    [Fact]
    public void Read_NoDataYet_OtherGreenletsRunUntilWriterWrites()
    {
        OnThread.Run(() =>
        {
            var pipe = new Pipe();
            using var reader = new GreenStream(pipe.Reader.AsStream());
            using var writer = new GreenStream(pipe.Writer.AsStream());
            var log = new List<string>();
            GreenTask<string?> consumer = Hub.Spawn(() =>
            {
                using var lines = new StreamReader(reader, Encoding.UTF8, leaveOpen: true);
                log.Add("reading");
                string? line = lines.ReadLine();
                log.Add("read");
                return line;
            });
            Hub.Sleep(0);
            Assert.Equal(["reading"], log);
            writer.Write("hello\n"u8);
            writer.Flush();
            Assert.Equal("hello", consumer.Get());
        });
    }

    [Fact]
    public void ReadWrite_ArrayOverloads_RoundTrip()
    {
        OnThread.Run(() =>
        {
            var pipe = new Pipe();
            using var reader = new GreenStream(pipe.Reader.AsStream());
            using var writer = new GreenStream(pipe.Writer.AsStream());
            Hub.Spawn(() =>
            {
                using var binary = new BinaryWriter(writer, Encoding.UTF8, leaveOpen: true);
                binary.Write(42);
                binary.Write("text");
                binary.Flush();
            });
            using var binaryReader = new BinaryReader(reader, Encoding.UTF8, leaveOpen: true);
            Assert.Equal(42, binaryReader.ReadInt32());
            Assert.Equal("text", binaryReader.ReadString());
        });
    }

    [Fact]
    public void Read_InnerFails_RethrowsInnerException()
    {
        OnThread.Run(() =>
        {
            var pipe = new Pipe();
            using var reader = new GreenStream(pipe.Reader.AsStream());
            Hub.Spawn(() => pipe.Writer.Complete(new IOException("gone")));
            Assert.Equal("gone", Assert.Throws<IOException>(() => reader.ReadByte()).Message);
        });
    }

    [Fact]
    public void Read_UnderGreenTimeout_RaisesTimeout()
    {
        OnThread.Run(() =>
        {
            var pipe = new Pipe();
            using var reader = new GreenStream(pipe.Reader.AsStream());
            Assert.Throws<GreenTimeoutException>(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(5));
                reader.ReadByte();
            });
        });
    }

    [Fact]
    public void Dispose_LeaveOpen_KeepsInnerUsable()
    {
        var inner = new MemoryStream();
        using (var stream = new GreenStream(inner, leaveOpen: true))
        {
            stream.Write([1, 2, 3]);
        }

        Assert.Equal(3, inner.Length);
        using (new GreenStream(inner))
        {
        }

        Assert.Throws<ObjectDisposedException>(() => inner.Length);
    }

    [Fact]
    public void Write_KilledWhileInnerWritePending_BufferNotReturnedUntilCompletion()
    {
        OnThread.Run(() =>
        {
            var inner = new ControlledStream();
            using var stream = new GreenStream(inner);
            byte[] payload = Payload(Size);
            byte[]? rentedAfterKill = null;
            GreenTask writer = Hub.Spawn(() =>
            {
                try
                {
                    stream.Write(payload.AsSpan());
                }
                catch (GreenletExit)
                {
                    rentedAfterKill = RentAndScribble();
                    throw;
                }
            });
            Hub.Sleep(0);
            ControlledStream.Operation write = Assert.Single(inner.Operations);

            writer.Kill();

            Assert.IsType<GreenletExit>(writer.Value);
            Assert.NotSame(write.Array, rentedAfterKill);
            Assert.Equal(payload, write.Buffer.ToArray());
            Assert.True(write.Token.IsCancellationRequested);
            write.Complete(Size);
            AssertReturnedToPool(write.Array);
        });
    }

    [Fact]
    public void Write_TimeoutWhileInnerWritePending_InnerOperationCancelled()
    {
        OnThread.Run(() =>
        {
            var inner = new ControlledStream();
            using var stream = new GreenStream(inner);
            byte[] payload = Payload(Size);

            Assert.Throws<GreenTimeoutException>(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
                stream.Write(payload.AsSpan());
            });
            byte[] rentedAfterTimeout = RentAndScribble();

            ControlledStream.Operation write = Assert.Single(inner.Operations);
            Assert.NotSame(write.Array, rentedAfterTimeout);
            Assert.True(write.Token.IsCancellationRequested);
            Assert.Equal(payload, write.Buffer.ToArray());
            write.Complete(Size);
            AssertReturnedToPool(write.Array);
        });
    }

    [Fact]
    public void Write_ArrayOverloadTimedOut_InnerOperationCancelled()
    {
        OnThread.Run(() =>
        {
            var inner = new ControlledStream();
            using var stream = new GreenStream(inner);
            byte[] payload = Payload(16);

            Assert.Throws<GreenTimeoutException>(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
                stream.Write(payload, 0, payload.Length);
            });

            ControlledStream.Operation write = Assert.Single(inner.Operations);
            Assert.Same(payload, write.Array);
            Assert.True(write.Token.IsCancellationRequested);
            write.Complete(payload.Length);
        });
    }

    [Fact]
    public void Read_KilledWhileInnerReadPending_BufferNotReturnedUntilCompletion()
    {
        OnThread.Run(() =>
        {
            var inner = new ControlledStream();
            using var stream = new GreenStream(inner);
            byte[] destination = new byte[Size];
            byte[]? rentedAfterKill = null;
            GreenTask reader = Hub.Spawn(() =>
            {
                try
                {
                    _ = stream.Read(destination.AsSpan());
                }
                catch (GreenletExit)
                {
                    rentedAfterKill = RentAndScribble();
                    throw;
                }
            });
            Hub.Sleep(0);
            ControlledStream.Operation read = Assert.Single(inner.Operations);

            reader.Kill();

            Assert.IsType<GreenletExit>(reader.Value);
            Assert.NotSame(read.Array, rentedAfterKill);
            Assert.True(read.Token.IsCancellationRequested);

            // The late read lands in the abandoned buffer only: not in whoever rented next, not in the caller's span.
            Payload(Size).CopyTo(read.Buffer);
            read.Complete(Size);
            Assert.All(rentedAfterKill!, b => Assert.Equal(0, b));
            Assert.All(destination, b => Assert.Equal(0, b));
            AssertReturnedToPool(read.Array);
        });
    }

    [Fact]
    public void Read_TimeoutWhileInnerReadPending_InnerOperationCancelled()
    {
        OnThread.Run(() =>
        {
            var inner = new ControlledStream();
            using var stream = new GreenStream(inner);

            Assert.Throws<GreenTimeoutException>(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
                _ = stream.Read(new byte[Size].AsSpan());
            });
            byte[] rentedAfterTimeout = RentAndScribble();

            ControlledStream.Operation read = Assert.Single(inner.Operations);
            Assert.NotSame(read.Array, rentedAfterTimeout);
            Assert.True(read.Token.IsCancellationRequested);
            Payload(Size).CopyTo(read.Buffer);
            read.Complete(Size);
            Assert.All(rentedAfterTimeout, b => Assert.Equal(0, b));
            AssertReturnedToPool(read.Array);
        });
    }

    [Fact]
    public void Flush_KilledWhileInnerFlushPending_InnerOperationCancelled()
    {
        OnThread.Run(() =>
        {
            var inner = new ControlledStream();
            using var stream = new GreenStream(inner);
            GreenTask flusher = Hub.Spawn(stream.Flush);
            Hub.Sleep(0);
            ControlledStream.Operation flush = Assert.Single(inner.Operations);

            flusher.Kill();

            Assert.IsType<GreenletExit>(flusher.Value);
            Assert.Equal("flush", flush.Kind);
            Assert.True(flush.Token.IsCancellationRequested);
            flush.Complete(0);
        });
    }

    [Fact]
    public void Write_AfterInterruptedWrite_ThrowsIOExceptionWithoutTouchingInner()
    {
        OnThread.Run(() =>
        {
            var inner = new ControlledStream();
            var stream = new GreenStream(inner);
            Assert.Throws<GreenTimeoutException>(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
                stream.Write(Payload(16));
            });
            inner.CompleteSynchronously = true;

            Assert.Contains("Write", Assert.Throws<IOException>(() => stream.Write(Payload(16))).Message);
            Assert.Throws<IOException>(() => stream.Write(Payload(16), 0, 16));
            Assert.Throws<IOException>(() => stream.Read(new byte[16].AsSpan()));
            Assert.Throws<IOException>(() => stream.ReadByte());
            Assert.Throws<IOException>(stream.Flush);
            Assert.Throws<IOException>(() => { _ = stream.WriteAsync(Payload(16)).AsTask(); });
            Assert.Throws<IOException>(() => { _ = stream.ReadAsync(new byte[16]).AsTask(); });
            Assert.Throws<IOException>(() => { _ = stream.FlushAsync(); });
            Assert.Single(inner.Operations);

            stream.Dispose();
            Assert.True(inner.IsDisposed);
            inner.Operations[0].Complete(16);
        });
    }

    [Fact]
    public void Read_KilledWhileSocketReadPending_LaterDataNotReadIntoForeignBuffer()
    {
        OnThread.Run(() =>
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(listener.LocalEndPoint!);
            using Socket server = listener.Accept();
            server.ReceiveTimeout = (int)TestTimeouts.Unexpected.TotalMilliseconds;
            using var stream = new GreenStream(new NetworkStream(server, ownsSocket: false));
            byte[]? rentedAfterKill = null;
            GreenTask reader = Hub.Spawn(() =>
            {
                try
                {
                    _ = stream.Read(new byte[Size].AsSpan());
                }
                catch (GreenletExit)
                {
                    rentedAfterKill = RentAndScribble();
                    throw;
                }
            });
            Hub.Sleep(0);

            reader.Kill();

            Assert.IsType<GreenletExit>(reader.Value);
            byte[] payload = Payload(1000);
            client.Send(payload);

            // The cancelled receive took nothing: the data waits in the socket for the next reader.
            byte[] received = new byte[payload.Length];
            int total = 0;
            while (total < received.Length)
            {
                int n = server.Receive(received, total, received.Length - total, SocketFlags.None);
                Assert.NotEqual(0, n);
                total += n;
            }

            Assert.Equal(payload, received);
            Assert.All(rentedAfterKill!, b => Assert.Equal(0, b));
        });
    }

    private static byte[] Payload(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)((i % 251) + 1))];

    /// <summary>Rents a pooled array as another user would and zeroes it, so a buffer handed out too early shows.</summary>
    private static byte[] RentAndScribble()
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(Size);
        Array.Clear(array);
        return array;
    }

    private static void AssertReturnedToPool(byte[] array)
    {
        // The pool hands out first what this thread returned last: the completed operation's buffer.
        byte[] next = ArrayPool<byte>.Shared.Rent(array.Length);
        Assert.Same(array, next);
        ArrayPool<byte>.Shared.Return(next);
    }
}
