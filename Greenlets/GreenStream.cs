using System.Buffers;
using System.Diagnostics;

namespace Greenlets;

/// <summary>Wraps a stream so that synchronous <c>Read</c>/<c>Write</c>/<c>Flush</c> wait cooperatively: our answer to gevent's monkey patching.</summary>
/// <remarks>
/// <para>Each synchronous call starts the inner stream's asynchronous operation and waits for it with
/// <see cref="Hub.Wait(Task)"/>, so other greenlets run meanwhile; <see cref="StreamReader.ReadLine"/>,
/// <see cref="BinaryReader"/> and friends become cooperative when layered on top. The asynchronous members pass
/// straight through to the inner stream.</para>
/// <para>A raw blocking call (a synchronous read on the inner stream, <see cref="Thread.Sleep(int)"/>) still blocks the
/// whole tree, as an unpatched call blocks all of gevent. If a wait is interrupted (a kill or a
/// <see cref="GreenTimeout"/>), the inner operation keeps running: close the stream rather than read from it again.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenStream : Stream
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenStream over {InnerStream.GetType().Name}";

    private readonly bool _leaveOpen;

    /// <summary>Wraps <paramref name="inner"/>; disposing the wrapper disposes it.</summary>
    /// <param name="inner">The stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public GreenStream(Stream inner)
        : this(inner, leaveOpen: false)
    {
    }

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The stream.</param>
    /// <param name="leaveOpen">Whether to leave the inner stream open when the wrapper is disposed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public GreenStream(Stream inner, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        InnerStream = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Gets the wrapped stream.</summary>
    public Stream InnerStream { get; }

    /// <inheritdoc/>
    public override bool CanRead => InnerStream.CanRead;

    /// <inheritdoc/>
    public override bool CanWrite => InnerStream.CanWrite;

    /// <inheritdoc/>
    public override bool CanSeek => InnerStream.CanSeek;

    /// <inheritdoc/>
    public override bool CanTimeout => InnerStream.CanTimeout;

    /// <inheritdoc/>
    public override long Length => InnerStream.Length;

    /// <inheritdoc/>
    public override long Position
    {
        get => InnerStream.Position;
        set => InnerStream.Position = value;
    }

    /// <summary>Reads into <paramref name="buffer"/>, waiting cooperatively for data.</summary>
    /// <param name="buffer">The destination.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">The most bytes to read.</param>
    /// <returns>The number of bytes read; 0 at the end of the stream.</returns>
    /// <exception cref="IOException">The inner stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsMemory(offset, count));

    /// <summary>Reads into <paramref name="buffer"/>, waiting cooperatively for data.</summary>
    /// <param name="buffer">The destination.</param>
    /// <returns>The number of bytes read; 0 at the end of the stream.</returns>
    /// <exception cref="IOException">The inner stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override int Read(Span<byte> buffer)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = Read(rented.AsMemory(0, buffer.Length));
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes <paramref name="buffer"/>, waiting cooperatively until the inner stream has taken it.</summary>
    /// <param name="buffer">The source.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">The number of bytes to write.</param>
    /// <exception cref="IOException">The inner stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsMemory(offset, count));

    /// <summary>Writes <paramref name="buffer"/>, waiting cooperatively until the inner stream has taken it.</summary>
    /// <param name="buffer">The source.</param>
    /// <exception cref="IOException">The inner stream failed.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(rented);
            Write(rented.AsMemory(0, buffer.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Flushes the inner stream, waiting cooperatively.</summary>
    /// <exception cref="IOException">The inner stream failed.</exception>
    public override void Flush() => Hub.Wait(InnerStream.FlushAsync());

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => InnerStream.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        InnerStream.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        InnerStream.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        InnerStream.WriteAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        InnerStream.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => InnerStream.Seek(offset, origin);

    /// <inheritdoc/>
    public override void SetLength(long value) => InnerStream.SetLength(value);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            InnerStream.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Read(Memory<byte> buffer)
    {
        ValueTask<int> read = InnerStream.ReadAsync(buffer);
        return read.IsCompletedSuccessfully ? read.Result : Hub.Wait(read.AsTask());
    }

    private void Write(ReadOnlyMemory<byte> buffer)
    {
        ValueTask write = InnerStream.WriteAsync(buffer);
        if (!write.IsCompletedSuccessfully)
        {
            Hub.Wait(write.AsTask());
        }
    }
}
