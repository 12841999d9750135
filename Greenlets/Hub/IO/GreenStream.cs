using System.Buffers;
using System.Diagnostics;

namespace Greenlets;

/// <summary>Wraps a stream so that synchronous <c>Read</c>/<c>Write</c>/<c>Flush</c> wait cooperatively: our answer to gevent's monkey patching.</summary>
/// <remarks>
/// <para>Each synchronous call starts the inner stream's asynchronous operation and parks the greenlet in the hub until it
/// completes, so other greenlets run meanwhile; <see cref="StreamReader.ReadLine"/>, <see cref="BinaryReader"/> and
/// friends become cooperative when layered on top. The asynchronous members pass straight through to the inner stream.</para>
/// <para>A raw blocking call (a synchronous read on the inner stream, <see cref="Thread.Sleep(int)"/>) still blocks the
/// whole tree, as an unpatched call blocks all of gevent.</para>
/// <para><b>An interrupted call.</b> When a wait ends early (a kill's <see cref="GreenletExit"/>, a
/// <see cref="GreenTimeout"/>), the interruption propagates at once and the inner operation is cancelled through its
/// <see cref="CancellationToken"/>; a stream that ignores the token finishes it in the background. A buffer the wrapper
/// rented for it goes back to the pool only when that operation has completed. How much of an interrupted write was
/// sent, or of an interrupted read consumed, is unknown (gevent leaves a killed <c>sendall</c>'s socket the same way), so
/// the wrapper is faulted from then on: every later read, write or flush, synchronous or asynchronous, throws
/// <see cref="IOException"/>. Dispose it (and the connection under it).</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenStream : Stream
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenStream over {InnerStream.GetType().Name}";

    private readonly bool _leaveOpen;

    // The member whose wait was interrupted while the inner operation was pending; from then on the stream is faulted.
    private volatile string? _interrupted;

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
    /// <remarks>The inner stream reads into <paramref name="buffer"/> itself: if the wait is interrupted, it may still
    /// write there until its cancelled operation ends.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> or <paramref name="count"/> is outside
    /// <paramref name="buffer"/>.</exception>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsMemory(offset, count), rented: null);
    }

    /// <summary>Reads into <paramref name="buffer"/>, waiting cooperatively for data.</summary>
    /// <param name="buffer">The destination.</param>
    /// <returns>The number of bytes read; 0 at the end of the stream.</returns>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override int Read(Span<byte> buffer)
    {
        // A span cannot outlive the call, so the inner stream reads into a pooled array that Run owns if interrupted.
        byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        int n = Read(rented.AsMemory(0, buffer.Length), rented);
        rented.AsSpan(0, n).CopyTo(buffer);
        ArrayPool<byte>.Shared.Return(rented);
        return n;
    }

    /// <summary>Writes <paramref name="buffer"/>, waiting cooperatively until the inner stream has taken it.</summary>
    /// <param name="buffer">The source.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">The number of bytes to write.</param>
    /// <remarks>The inner stream reads from <paramref name="buffer"/> itself: if the wait is interrupted, it may still
    /// read it until its cancelled operation ends.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> or <paramref name="count"/> is outside
    /// <paramref name="buffer"/>.</exception>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Run(nameof(Write), StartWrite, buffer.AsMemory(offset, count), rented: null);
    }

    /// <summary>Writes <paramref name="buffer"/>, waiting cooperatively until the inner stream has taken it.</summary>
    /// <param name="buffer">The source.</param>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        buffer.CopyTo(rented);
        Run(nameof(Write), StartWrite, rented.AsMemory(0, buffer.Length), rented);
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>Flushes the inner stream, waiting cooperatively.</summary>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    public override void Flush() => Run(nameof(Flush), static (inner, _, token) => inner.FlushAsync(token), Memory<byte>.Empty, rented: null);

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfInterrupted();
        return InnerStream.FlushAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ThrowIfInterrupted();
        return InnerStream.ReadAsync(buffer, offset, count, cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfInterrupted();
        return InnerStream.ReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ThrowIfInterrupted();
        return InnerStream.WriteAsync(buffer, offset, count, cancellationToken);
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfInterrupted();
        return InnerStream.WriteAsync(buffer, cancellationToken);
    }

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

    private static Task StartWrite(Stream inner, Memory<byte> buffer, CancellationToken token) => inner.WriteAsync(buffer, token).AsTask();

    /// <summary>Returns the completed operation's state to the pool once an abandoned operation can no longer touch it.</summary>
    private static void ReleaseAbandoned(Task operation, object? state)
    {
        _ = operation.Exception; // nobody waits for it any more: observed so it is not reported as unobserved
        (CancellationTokenSource cancel, byte[]? rented) = ((CancellationTokenSource, byte[]?))state!;
        cancel.Dispose();
        Return(rented);
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private int Read(Memory<byte> buffer, byte[]? rented) =>
        ((Task<int>)Run(nameof(Read), static (inner, memory, token) => inner.ReadAsync(memory, token).AsTask(), buffer, rented)).GetAwaiter().GetResult();

    /// <summary>Runs one inner operation and parks the greenlet until it completes: the one place that decides what an
    /// interrupted wait does to the operation, its buffer and the stream.</summary>
    /// <param name="member">The public member, named by later calls' <see cref="IOException"/>.</param>
    /// <param name="start">Starts the inner operation on <paramref name="buffer"/>, cancellable with the token.</param>
    /// <param name="buffer">The memory the operation reads or writes.</param>
    /// <param name="rented">The pooled array behind <paramref name="buffer"/>, or null. On return the caller still owns
    /// it; when this throws, it is back in the pool, or goes back when the abandoned inner operation completes.</param>
    /// <returns>The operation, completed successfully.</returns>
    private Task Run(string member, Func<Stream, Memory<byte>, CancellationToken, Task> start, Memory<byte> buffer, byte[]? rented)
    {
        var cancel = new CancellationTokenSource();
        Task operation;
        try
        {
            ThrowIfInterrupted();
            operation = start(InnerStream, buffer, cancel.Token);
        }
        catch
        {
            cancel.Dispose();
            Return(rented);
            throw;
        }

        if (!operation.IsCompleted)
        {
            try
            {
                Hub.Current.WaitForTask(operation);
            }
            catch
            {
                Abandon(member, operation, cancel, rented);
                throw;
            }
        }

        cancel.Dispose();
        if (!operation.IsCompletedSuccessfully)
        {
            Return(rented);
            operation.GetAwaiter().GetResult();
        }

        return operation;
    }

    /// <summary>Gives up on an operation whose wait was interrupted: the stream is faulted, the operation cancelled,
    /// and its buffer goes back to the pool only when the operation has completed and cannot touch it any more.</summary>
    private void Abandon(string member, Task operation, CancellationTokenSource cancel, byte[]? rented)
    {
        _interrupted = member;
        try
        {
            cancel.Cancel();
        }
        catch (AggregateException)
        {
            // A cancellation callback of the inner stream failed. The interruption (a kill, a timeout) must reach the
            // greenlet unchanged; the operation reports its own outcome through its task, observed in ReleaseAbandoned.
        }

        operation.ContinueWith(
            ReleaseAbandoned,
            (cancel, rented),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void ThrowIfInterrupted()
    {
        if (_interrupted is { } member)
        {
            throw new IOException(
                $"The GreenStream is unusable: an earlier {member} was interrupted (a kill or a timeout) while the inner stream's operation was pending, so how much of it happened is unknown. Dispose the stream.");
        }
    }
}
