using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>Wraps a stream so that synchronous <c>Read</c>/<c>Write</c>/<c>Flush</c> wait cooperatively: our answer to gevent's monkey patching.</summary>
/// <remarks>
/// <para>Each synchronous call starts the inner stream's asynchronous operation and parks the greenlet in the hub until it
/// completes, so other greenlets run meanwhile; <see cref="StreamReader.ReadLine"/>, <see cref="BinaryReader"/> and
/// friends become cooperative when layered on top.</para>
/// <para><b>Asynchronous members.</b> Awaited from the code of an <see cref="AsyncGreenTask"/> (or the async flow's main
/// code while its <see cref="AsyncHub"/> lives), <c>ReadAsync</c>, <c>WriteAsync</c> and <c>FlushAsync</c> park the
/// caller in that hub until the inner operation completes, so the tree's other greenlets run meanwhile (and
/// <see cref="StreamReader.ReadLineAsync()"/> on top is cooperative too); await each call before the next. The same
/// rules as the synchronous members hold, below. Anywhere else (plain .NET code, a hub callback) they pass straight
/// through to the inner stream.</para>
/// <para>A raw blocking call (a synchronous read on the inner stream, <see cref="Thread.Sleep(int)"/>) still blocks the
/// whole tree, as an unpatched call blocks all of gevent.</para>
/// <para><b>An interrupted call.</b> When a wait ends early (a kill's <see cref="GreenletExit"/>, a
/// <see cref="GreenTimeout"/>), the interruption propagates at once and the inner operation is cancelled through its
/// <see cref="CancellationToken"/> (for an asynchronous member, one linked to the caller's token); a stream that ignores the token finishes it in the background. A buffer the wrapper
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

    /// <summary>Flushes the inner stream; cooperatively from async greenlet code (see the remarks on the type).</summary>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>A task that completes when the inner stream has flushed.</returns>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfInterrupted();
        return CooperativeHub() is { } hub
            ? RunAsync(hub, nameof(FlushAsync), static (inner, _, token) => inner.FlushAsync(token), Memory<byte>.Empty, cancellationToken).AsTask()
            : InnerStream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads into <paramref name="buffer"/>; cooperatively from async greenlet code (see the remarks on the type).</summary>
    /// <param name="buffer">The destination.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">The most bytes to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of bytes read; 0 at the end of the stream.</returns>
    /// <remarks>The inner stream reads into <paramref name="buffer"/> itself: if the wait is interrupted, it may still
    /// write there until its cancelled operation ends.</remarks>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Reads into <paramref name="buffer"/>; cooperatively from async greenlet code (see the remarks on the type).</summary>
    /// <param name="buffer">The destination.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of bytes read; 0 at the end of the stream.</returns>
    /// <remarks>The inner stream reads into <paramref name="buffer"/> itself: if the wait is interrupted (a kill, a
    /// <see cref="GreenTimeout"/>), its read is cancelled, and it may still write there until that read ends.</remarks>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfInterrupted();
        return CooperativeHub() is { } hub ? ReadCooperativelyAsync(hub, buffer, cancellationToken) : InnerStream.ReadAsync(buffer, cancellationToken);
    }

    /// <summary>Writes <paramref name="buffer"/>; cooperatively from async greenlet code (see the remarks on the type).</summary>
    /// <param name="buffer">The source.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> to start.</param>
    /// <param name="count">The number of bytes to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the inner stream has taken the bytes.</returns>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Writes <paramref name="buffer"/>; cooperatively from async greenlet code (see the remarks on the type).</summary>
    /// <param name="buffer">The source.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the inner stream has taken the bytes.</returns>
    /// <remarks>The inner stream reads from <paramref name="buffer"/> itself: if the wait is interrupted, its write is
    /// cancelled, and it may still read there until that write ends.</remarks>
    /// <exception cref="IOException">The inner stream failed, or an earlier operation was interrupted.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfInterrupted();
        return CooperativeHub() is { } hub
            ? WriteCooperativelyAsync(hub, MemoryMarshal.AsMemory(buffer), cancellationToken)
            : InnerStream.WriteAsync(buffer, cancellationToken);
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
        ((Task<int>)Run(nameof(Read), StartRead, buffer, rented)).GetAwaiter().GetResult();

    private static Task StartRead(Stream inner, Memory<byte> buffer, CancellationToken token) => inner.ReadAsync(buffer, token).AsTask();

    /// <summary>The async greenlet code that may park on a GreenStream: an <see cref="AsyncGreenTask"/> of the calling
    /// flow's hub, or the flow's main code while that hub lives; null elsewhere (the members pass through).</summary>
    private static AsyncHub? CooperativeHub()
    {
        // Checked first, so that plain and thread greenlet code never makes an async tree or hub.
        if (!AsyncHub.CallerIsAsync)
        {
            return null;
        }

        AsyncHub? hub = AsyncGreenlet.Current switch
        {
            AsyncGreenTask task => task.Hub,
            { IsMain: true } => AsyncHub.Current,
            _ => null,
        };
        return hub is not null && ((IWaitHub)hub).IsOwnTree && !((IWaitHub)hub).IsRunning ? hub : null;
    }

    private async ValueTask<int> ReadCooperativelyAsync(AsyncHub hub, Memory<byte> buffer, CancellationToken cancellationToken) =>
        await ((Task<int>)await RunAsync(hub, nameof(ReadAsync), StartRead, buffer, cancellationToken));

    private async ValueTask WriteCooperativelyAsync(AsyncHub hub, Memory<byte> buffer, CancellationToken cancellationToken) =>
        await RunAsync(hub, nameof(WriteAsync), StartWrite, buffer, cancellationToken);

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
        (Task operation, CancellationTokenSource cancel) = Begin(start, buffer, rented, CancellationToken.None);
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

        return End(operation, cancel, rented);
    }

    /// <summary><see cref="Run"/> in async greenlet code: parks in <paramref name="hub"/>; the operation's token is
    /// linked to <paramref name="cancellationToken"/>. The caller owns the buffer (nothing is rented).</summary>
    private async ValueTask<Task> RunAsync(AsyncHub hub, string member, Func<Stream, Memory<byte>, CancellationToken, Task> start, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        (Task operation, CancellationTokenSource cancel) = Begin(start, buffer, rented: null, cancellationToken);
        if (!operation.IsCompleted)
        {
            try
            {
                await hub.WaitForTaskAsync(operation);
            }
            catch
            {
                Abandon(member, operation, cancel, rented: null);
                throw;
            }
        }

        return End(operation, cancel, rented: null);
    }

    /// <summary>Starts the inner operation with a token of its own (linked to the caller's); on failure to start,
    /// nothing is left behind.</summary>
    private (Task Operation, CancellationTokenSource Cancel) Begin(Func<Stream, Memory<byte>, CancellationToken, Task> start, Memory<byte> buffer, byte[]? rented, CancellationToken cancellationToken)
    {
        CancellationTokenSource cancel = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : new CancellationTokenSource();
        try
        {
            ThrowIfInterrupted();
            return (start(InnerStream, buffer, cancel.Token), cancel);
        }
        catch
        {
            cancel.Dispose();
            Return(rented);
            throw;
        }
    }

    /// <summary>After a completed operation: its token goes; a failure returns the buffer and is rethrown.</summary>
    private static Task End(Task operation, CancellationTokenSource cancel, byte[]? rented)
    {
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
