using System.IO.Pipelines;
using System.Text;

namespace Greenlets.Tests;

public class GreenStreamTests
{
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
}
