using System.Runtime.InteropServices;

namespace Greenlets.Tests;

/// <summary>A stream whose asynchronous reads, writes and flushes stay pending until the test completes them, recording
/// the memory and the token each one got; it ignores cancellation, like a stream that cannot cancel.</summary>
internal sealed class ControlledStream : Stream
{
    private readonly List<Operation> _operations = [];

    /// <summary>Gets or sets whether new operations complete at once (a write as taken, a read at the end of the stream).</summary>
    public bool CompleteSynchronously { get; set; }

    /// <summary>Gets whether the stream was disposed.</summary>
    public bool IsDisposed { get; private set; }

    public IReadOnlyList<Operation> Operations
    {
        get
        {
            lock (_operations)
            {
                return [.. _operations];
            }
        }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Begin("read", buffer, cancellationToken));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Begin("write", MemoryMarshal.AsMemory(buffer), cancellationToken));

    public override Task FlushAsync(CancellationToken cancellationToken) => Begin("flush", Memory<byte>.Empty, cancellationToken);

    // The synchronous members would block the whole tree: GreenStream must never call them.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush() => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    private Task<int> Begin(string kind, Memory<byte> buffer, CancellationToken token)
    {
        var operation = new Operation(kind, buffer, token);
        lock (_operations)
        {
            _operations.Add(operation);
        }

        if (CompleteSynchronously)
        {
            operation.Complete(kind == "write" ? buffer.Length : 0);
        }

        return operation.Task;
    }

    /// <summary>One pending operation of the inner stream.</summary>
    internal sealed class Operation(string kind, Memory<byte> buffer, CancellationToken token)
    {
        // Continuations run inline in Complete, so whatever GreenStream does at completion has happened when it returns.
        private readonly TaskCompletionSource<int> _completion = new();

        public string Kind { get; } = kind;

        public Memory<byte> Buffer { get; } = buffer;

        public CancellationToken Token { get; } = token;

        public Task<int> Task => _completion.Task;

        /// <summary>Gets the array behind <see cref="Buffer"/>, to compare with what the pool hands out.</summary>
        public byte[] Array => MemoryMarshal.TryGetArray<byte>(Buffer, out var segment) ? segment.Array! : throw new InvalidOperationException("Not an array.");

        public void Complete(int result) => _completion.SetResult(result);
    }
}
