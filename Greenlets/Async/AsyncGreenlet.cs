using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Greenlets.Internal;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.AsyncGreenlet.Backend, Greenlets.AsyncGreenlet, Greenlets.Internal.AsyncTree>;

namespace Greenlets;

/// <summary>A stackless greenlet on async continuations: the same switching rules as <see cref="Greenlet"/>, for millions of greenlets.</summary>
/// <remarks>
/// <para><b>The tree.</b> An async greenlet tree belongs to a logical async flow (an <see cref="ExecutionContext"/>):
/// the first use of async greenlets in a flow (<see cref="Current"/>, a constructor without parent, a switch) creates
/// the tree and its main greenlet. Code of that flow that is not inside an async greenlet <i>is</i> the main greenlet:
/// it switches with <c>await g.SwitchAsync(x)</c>, or from synchronous code with
/// <c>g.SwitchAsync(x).AsTask().GetAwaiter().GetResult()</c>, and either returns when control comes back to main. A
/// flow that has no tree yet adopts the tree it first switches into. Because an <c>async</c> method's
/// <see cref="AsyncLocal{T}"/> changes do not flow back to its caller, a tree first created inside an async helper
/// belongs to that helper's flow; switching into it from a flow that already has another tree raises
/// <see cref="GreenletError"/>, as switching into another thread's tree does for <see cref="Greenlet"/>.</para>
/// <para><b>Switching.</b> <see cref="SwitchAsync(object?)"/> hands control straight to the target: the switcher's
/// frames unwind to a trampoline that resumes the target's continuation inline on the same thread, so there is no
/// thread-pool hop, no central loop, and no stack growth however long the chain. Exactly one greenlet of a tree runs
/// at a time. Await every switch at once; a greenlet resumes on the thread of whoever switched to it, and
/// <see cref="SynchronizationContext"/> or <c>ConfigureAwait</c> play no part between greenlets (the main greenlet's
/// own awaits do honour its synchronization context).</para>
/// <para><b>Other awaits.</b> A greenlet that awaits something other than a switch (a <see cref="Task"/>, I/O) keeps
/// the baton: the tree waits for it, like a blocking call in a Python greenlet, and nothing else of the tree runs
/// meanwhile. When the awaited work completes, the greenlet continues on the completing thread, and its next switch
/// runs the trampoline there. On a tree that has a scheduler (the async hub attaches one), such an await parks the
/// greenlet instead and the scheduler runs the others; see the Async layer's scheduler seam.</para>
/// <para><b>Collection.</b> A suspended async greenlet is an ordinary object graph (this object and its async state
/// machines), rooted only by whoever references it: when nothing does, the garbage collector frees it and its
/// <c>finally</c> blocks do <b>not</b> run, as with any abandoned async method. To run them, kill it first with
/// <see cref="ThrowAsync(Exception?)"/>. This differs from <see cref="Greenlet"/>, whose collected suspended greenlets
/// are killed with <see cref="GreenletExit"/>.</para>
/// <para><b>Context.</b> A greenlet starts with the <see cref="ExecutionContext"/> captured when it was constructed,
/// and <see cref="AsyncLocal{T}"/> changes made inside one greenlet stay in that greenlet.</para>
/// <para>The class implements <see cref="System.Threading.Tasks.Sources.IValueTaskSource{TResult}"/> explicitly: each
/// greenlet is the reusable source behind the <see cref="ValueTask{TResult}"/> of its own pending switch, so a switch
/// allocates nothing. Do not call that interface directly. Measured against the obvious alternative, a fresh
/// <see cref="TaskCompletionSource{TResult}"/> per park (<c>AsyncSwitchBenchmarks</c>, 2 vCPUs under load, see
/// Greenlets.Bench/README.md): a ping-pong on one reusable source takes 57 ns and 0 B per one-way switch, on a fresh
/// source per park 105 ns and 48 B (96 B per park); a whole greenlet switch measured 155 ns and 0 B. So it saves an
/// allocation per park (a million switches a second would otherwise make ~96 MB/s of garbage) and about a third of a
/// switch's time, at the price of hand-written version and race handling in the interface's members, and a switch's
/// task may be awaited only once.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public partial class AsyncGreenlet
{
    /// <summary>Guards parent chains: a parent change, and a start's check of the chain with its commit to a tree.</summary>
    internal static readonly Lock ParentLock = new();
    private static long nextId;

    private Func<object?, ValueTask<object?>>? _run;
    private AsyncGreenlet? _parent;
    private AsyncTree? _tree;
    private string? _name;
    private volatile GreenletState _state;

    /// <summary>Creates an async greenlet that runs <paramref name="run"/> when first switched into.</summary>
    /// <param name="run">The body: receives the first switch's value; its result goes to the parent.</param>
    /// <param name="parent">The parent, or null for <see cref="Current"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null (checked before anything is created).</exception>
    public AsyncGreenlet(Func<object?, ValueTask<object?>> run, AsyncGreenlet? parent = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        _run = run;
        _parent = parent ?? Current;
        StartContext = ExecutionContext.Capture();
        if (TreeOf(_parent) is { LocalNames: >= 0 } tree)
        {
            // Named now, in creation order, so that a test run's names do not depend on when they are first read.
            _name = $"async-greenlet-{++tree.LocalNames}";
        }
    }

    /// <summary>Creates the main greenlet of a new tree.</summary>
    internal AsyncGreenlet(AsyncTree tree)
    {
        _tree = tree;
        _name = "main";
        _state = GreenletState.Running;
    }

    /// <summary>Gets the greenlet running now in the calling flow's tree; outside any greenlet, the flow's main greenlet.</summary>
    /// <remarks>The first use in a flow creates that flow's tree and main greenlet.</remarks>
    public static AsyncGreenlet Current => AsyncTree.Flow switch
    {
        AsyncTree inner => inner.Current,
        AsyncGreenlet main => main,
        _ => AsyncTree.OfFlow().Main,
    };

    /// <summary>Gets or sets the parent: where this greenlet's result or uncaught exception goes. Null only for a main greenlet.</summary>
    /// <remarks>The parent can change at any time, even after death; the new parent receives the next death (P9, P10).</remarks>
    /// <exception cref="ArgumentNullException">The value is null (P2).</exception>
    /// <exception cref="InvalidOperationException">This is a main greenlet (P4).</exception>
    /// <exception cref="ArgumentException">The value would make a cycle (P3), or this greenlet has started and the value
    /// belongs to another tree (P6).</exception>
    public AsyncGreenlet? Parent
    {
        get => _parent;
        set => Rules.SetParent(this, value);
    }

    /// <summary>Gets the lifecycle state.</summary>
    public GreenletState State => _state;

    /// <summary>Gets whether the greenlet has been switched into (or thrown into) at least once.</summary>
    public bool IsStarted => _state != GreenletState.Pending;

    /// <summary>Gets whether the greenlet is started and not dead: Python's <c>bool(g)</c>.</summary>
    public bool IsActive => _state is GreenletState.Running or GreenletState.Suspended;

    /// <summary>Gets whether the greenlet has finished.</summary>
    public bool IsDead => _state == GreenletState.Dead;

    /// <summary>Gets whether this is the main greenlet of its tree.</summary>
    public bool IsMain => _tree is { } tree && tree.Main == this;

    /// <summary>Gets or sets the name shown in traces, the debugger and errors.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public string Name
    {
        get => _name ??= $"async-greenlet-{Interlocked.Increment(ref nextId)}";
        set => _name = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets the debugger's one-line view: name, state (and whether it is parked on a foreign await) and parent.</summary>
    internal string DebuggerDisplay =>
        $"{Name} {State}{(_foreign is { Parked: true } ? " (parked on a foreign await)" : "")} parent={Parent?.Name ?? "(none)"}";

    /// <summary>Gets the tree; null until a non-main greenlet starts.</summary>
    internal AsyncTree? Tree => _tree;

    /// <summary>Returns a description in the spirit of greenlet's repr, e.g. <c>&lt;AsyncGreenlet "gr1" suspended active started&gt;</c>.</summary>
    /// <returns>The type, name and state.</returns>
    public override string ToString() => Rules.Describe(this, State, exited: false);

    /// <summary>Gets the tree a greenlet belongs to: its own once started, else its parent's.</summary>
    internal static AsyncTree TreeOf(AsyncGreenlet greenlet)
    {
        AsyncGreenlet g = greenlet;
        while (g._tree is null)
        {
            g = g._parent!;
        }

        return g._tree;
    }

    internal static InvalidOperationException MissingRun() =>
        new("run: this async greenlet has no body (pass a run delegate)");

    /// <summary>Completes the transfer in flight to this greenlet: traces it in the target's context (TR3, TR4).</summary>
    internal void Receive(AsyncTree tree)
    {
        if (tree.InOrigin is not { } origin)
        {
            return;
        }

        tree.InOrigin = null;
        if (tree.Tracer is not null)
        {
            object? value = _value;
            ExceptionDispatchInfo? error = _error;
            Rules.Trace(tree, tree.InEvent, origin, this, ref value, ref error);
            _value = value;
            _error = error;
        }
    }
}
