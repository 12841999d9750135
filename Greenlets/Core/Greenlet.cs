using System.Runtime.CompilerServices;
using System.Collections.Concurrent;
using System.Diagnostics;
using Greenlets.Internal;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.Internal.GreenletCore.Backend, Greenlets.Greenlet, Greenlets.Internal.TreeState>;

namespace Greenlets;

/// <summary>A stackful coroutine with explicit switching: Python's <c>greenlet</c> for .NET.</summary>
/// <remarks>
/// <para>Every OS thread has a tree of greenlets rooted at its main greenlet (<see cref="Current"/> creates it).
/// Exactly one greenlet of a tree runs at a time; <see cref="Switch(object?)"/> hands control straight to another
/// greenlet. A greenlet's <c>Run</c> executes on its own fiber, a dedicated pooled OS thread that runs only while it
/// holds the tree's baton, so <see cref="Switch(object?)"/> may be called at any call depth.</para>
/// <para>Because a greenlet runs on its own OS thread, <c>[ThreadStatic]</c> data and
/// <see cref="Environment.CurrentManagedThreadId"/> differ per greenlet, and a <c>lock</c> held across a switch
/// deadlocks when another greenlet of the tree takes it, as a Python lock would.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public partial class Greenlet
{
    private static readonly ConcurrentDictionary<Type, bool> RunOverrides = new();
    private static long nextId;

    private Func<object?, object?>? _run;
    private string? _name;

    /// <summary>Creates a greenlet that runs <paramref name="run"/> when first switched into.</summary>
    /// <param name="run">The body: receives the first switch's value; its return value goes to the parent.</param>
    /// <param name="parent">The parent, or null for <see cref="Current"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null (checked before anything is created).</exception>
    /// <exception cref="ArgumentException"><paramref name="parent"/> belongs to another thread's tree that has exited.</exception>
    public Greenlet(Func<object?, object?> run, Greenlet? parent = null)
        : this(ParentAfterCheck(run, parent))
    {
        _run = run;
    }

    /// <summary>Creates a greenlet that runs <paramref name="run"/> when first switched into; its return value goes to the parent.</summary>
    /// <param name="run">The body, taking no argument (the first switch's value is dropped), as Python's
    /// <c>greenlet(lambda: compute())</c>. C# picks this overload for a lambda whose body has a value, such as
    /// <c>() =&gt; 42</c> or <c>() =&gt; Compute()</c>; a lambda with a statement body or a void call picks
    /// <see cref="Greenlet(Action, Greenlet?)"/>.</param>
    /// <param name="parent">The parent, or null for <see cref="Current"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null (checked before anything is created).</exception>
    public Greenlet(Func<object?> run, Greenlet? parent = null)
        : this(ParentAfterCheck(run, parent))
    {
        _run = _ => run();
    }

    /// <summary>Creates a greenlet that runs <paramref name="run"/> when first switched into; it returns null to its parent.</summary>
    /// <param name="run">The body.</param>
    /// <param name="parent">The parent, or null for <see cref="Current"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null (checked before anything is created).</exception>
    public Greenlet(Action run, Greenlet? parent = null)
        : this(ParentAfterCheck(run, parent))
    {
        _run = _ =>
        {
            run();
            return null;
        };
    }

    /// <summary>Creates a greenlet whose body is an override of <see cref="Run(object?)"/>.</summary>
    /// <param name="parent">The parent, or null for <see cref="Current"/>.</param>
    protected Greenlet(Greenlet? parent = null)
    {
        GreenletCore cur = GreenletCore.Ensure();
        Core = new GreenletCore(this, parent ?? cur.Strong, mainOf: null)
        {
            Context = ExecutionContext.Capture(),
        };
        if (cur.Tree is { LocalNames: >= 0 } tree)
        {
            _name = $"greenlet-{++tree.LocalNames}";
        }

        GreenletMetrics.Created();
    }

    // Runs in the constructor initializer, so a null body is refused before the base constructor creates anything.
    private static Greenlet? ParentAfterCheck(Delegate run, Greenlet? parent)
    {
        ArgumentNullException.ThrowIfNull(run);
        return parent;
    }

    /// <summary>Creates the main greenlet of a new tree.</summary>
    internal Greenlet(TreeState tree)
    {
        Core = new GreenletCore(this, parent: null, mainOf: tree);
        _name = "main";
#pragma warning disable CA1816 // the main greenlet is never killed on collection
        GC.SuppressFinalize(this);
#pragma warning restore CA1816
    }

    /// <summary>Kills a suspended greenlet that nothing references any more, on its own tree (G1, G7).</summary>
    ~Greenlet()
    {
        // Core is null when a subclass constructor argument threw before this class's constructor ran.
        if (Core is { RawState: GreenletState.Suspended, IsMain: false, Tree: { } tree })
        {
            tree.Doom(this);
        }
    }

    /// <summary>Gets the greenlet running now in this thread's tree; the first call on a thread creates its main greenlet.</summary>
    public static Greenlet Current => GreenletCore.Ensure().Strong!;

    /// <summary>Gets or sets the parent: where this greenlet's return value or uncaught exception goes. Null only for a main greenlet.</summary>
    /// <remarks>The parent can change at any time, even after death; the new parent receives the next death (P9, P10).</remarks>
    /// <exception cref="ArgumentNullException">The value is null (P2).</exception>
    /// <exception cref="InvalidOperationException">This is a main greenlet (P4).</exception>
    /// <exception cref="ArgumentException">The value would make a cycle (P3), or this greenlet has started and the value
    /// belongs to another thread's tree (P6).</exception>
    public Greenlet? Parent
    {
        get => Core.Parent;
        set => Rules.SetParent(this, value);
    }

    /// <summary>Gets the lifecycle state.</summary>
    public GreenletState State
    {
        get
        {
            GreenletState state = Core.RawState;
            return state != GreenletState.Pending && Core.Tree is { IsExited: true } ? GreenletState.Dead : state;
        }
    }

    /// <summary>Gets whether the greenlet has been switched into (or thrown into) at least once.</summary>
    public bool IsStarted => State != GreenletState.Pending;

    /// <summary>Gets whether the greenlet is started and not dead: Python's <c>bool(g)</c>.</summary>
    public bool IsActive => State is GreenletState.Running or GreenletState.Suspended;

    /// <summary>Gets whether the greenlet has finished, or (for a main greenlet) its thread has exited.</summary>
    public bool IsDead => State == GreenletState.Dead;

    /// <summary>Gets whether this is the main greenlet of its thread.</summary>
    public bool IsMain => Core.IsMain;

    /// <summary>Gets or sets the name shown in traces, the debugger and errors.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public string Name
    {
        get => _name ??= $"greenlet-{Interlocked.Increment(ref nextId)}";
        set => _name = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets the debugger's one-line view: name, state and parent.</summary>
    internal string DebuggerDisplay => $"{Name} {State} parent={Parent?.Name ?? "(none)"}";

    /// <summary>Gets the switching state.</summary>
    internal GreenletCore Core { get; }

    /// <summary>Gets whether a body exists to start.</summary>
    internal bool HasRun => _run is not null || OverridesRun;

    /// <summary>Gets whether the instance's type overrides <see cref="Run(object?)"/>; false at once for a plain greenlet.</summary>
    private bool OverridesRun => GetType() != typeof(Greenlet) && RunOverrides.GetOrAdd(GetType(), IsRunOverridden, this);

    /// <summary>Returns a description in the spirit of greenlet's repr, e.g. <c>&lt;Greenlet "gr1" suspended active started&gt;</c>.</summary>
    /// <returns>The type, name and state.</returns>
    public override string ToString() => Rules.Describe(this, State, exited: Core.Tree is { IsExited: true });

    /// <summary>The body of the greenlet; the default runs the delegate given to the constructor.</summary>
    /// <param name="argument">The value of the first switch into this greenlet.</param>
    /// <returns>The value sent to the parent when the greenlet finishes.</returns>
    /// <exception cref="InvalidOperationException">No body was given.</exception>
    protected virtual object? Run(object? argument) => _run is { } run ? run(argument) : throw MissingRun();

    internal static InvalidOperationException MissingRun() =>
        new("run: this greenlet has no body (pass a run delegate or override Run)");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static object? InvokeRun(Greenlet greenlet, object? argument)
    {
        // R4: the body is dropped at the start; `greenlet` is not used after the call starts, so a suspended
        // fiber's stack does not keep it reachable.
        Func<object?, object?>? run = greenlet._run;
        greenlet._run = null;
        if (greenlet.OverridesRun)
        {
            return greenlet.Run(argument);
        }

        return run is not null ? run(argument) : throw MissingRun();
    }

    internal void DropRun() => _run = null;

    // A delegate to the virtual Run binds to the override the instance would call, so its target method's declaring type
    // says whether the type overrides Run. This needs no member lookup by name: Delegate.Method is trim- and AOT-safe (the
    // AOT compiler keeps metadata for delegate targets, overrides of a virtual target included), unlike Type.GetMethod on
    // GetType(), which the trimmer cannot see (IL2075) and which also took a hiding `new Run` for an override. Invoking
    // Run to find out is no option: an override's body would run before the switch commits, and a greenlet with no body
    // must stay pending with the error at switch time.
    private static bool IsRunOverridden(Type type, Greenlet instance) =>
        new Func<object?, object?>(instance.Run).Method.DeclaringType != typeof(Greenlet);
}
