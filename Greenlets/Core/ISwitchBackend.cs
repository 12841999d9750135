namespace Greenlets.Internal;

/// <summary>
/// What <see cref="SwitchRules{TBackend, TGreenlet, TTree}"/> needs from a backend: reading and writing a greenlet's
/// switching state, starting it, and its tracer. The rules are written once over this seam; the mechanism that actually
/// hands control over (a fiber thread's gate, an async trampoline) stays in each backend.
/// </summary>
/// <remarks>
/// Static abstract members implemented by a struct: the rules are instantiated per backend and every call through the
/// seam is a direct (and inlinable) call, with no virtual dispatch on the switch path.
/// </remarks>
/// <typeparam name="TGreenlet">The public greenlet type.</typeparam>
/// <typeparam name="TTree">The tree type: one thread's tree, or one flow's.</typeparam>
internal interface ISwitchBackend<TGreenlet, TTree>
    where TGreenlet : class
    where TTree : class
{
    /// <summary>Gets where a tree lives, for messages: <c>thread</c> or <c>flow</c>.</summary>
    static abstract string TreeHome { get; }

    /// <summary>Gets the lock guarding parent chains: a parent change, and a start's check of the chain with its commit to a tree.</summary>
    static abstract Lock ParentLock { get; }

    /// <summary>Returns the raw lifecycle state (not the thread backend's "its thread exited" view).</summary>
    static abstract GreenletState StateOf(TGreenlet greenlet);

    static abstract TGreenlet? ParentOf(TGreenlet greenlet);

    /// <summary>Writes the parent; called by the rules under <see cref="ParentLock"/>, after their checks.</summary>
    static abstract void SetParentOf(TGreenlet greenlet, TGreenlet parent);

    static abstract bool IsMain(TGreenlet greenlet);

    static abstract string NameOf(TGreenlet greenlet);

    /// <summary>Returns the tree a greenlet is committed to, or null while it is pending and uncommitted.</summary>
    static abstract TTree? OwnTree(TGreenlet greenlet);

    /// <summary>Returns the tree a greenlet belongs to: its own once committed, else its parent chain's (null if none).</summary>
    static abstract TTree? TreeOf(TGreenlet greenlet);

    static abstract bool HasRun(TGreenlet greenlet);

    /// <summary>Commits a pending greenlet to <paramref name="tree"/>; called by the rules under <see cref="ParentLock"/>.</summary>
    static abstract void Commit(TGreenlet greenlet, TTree tree);

    /// <summary>Gets a committed pending greenlet ready to start (a thread greenlet rents its fiber); returns the
    /// failure, after undoing the commit, or null.</summary>
    static abstract Exception? PrepareStart(TGreenlet greenlet, TTree tree);

    /// <summary>Marks a greenlet that never ran dead and drops its body (T8).</summary>
    static abstract void DieUnstarted(TGreenlet greenlet);

    /// <summary>Marks a greenlet whose body has finished dead, in its tree (D1).</summary>
    static abstract void MarkDead(TTree tree, TGreenlet greenlet);

    static abstract InvalidOperationException MissingRun();

    /// <summary>Describes, for a foreign-tree error, where the target's tree lives against the caller's.</summary>
    static abstract string Whose(TTree targetTree);

    static abstract bool HasTracer(TTree tree);

    /// <summary>Calls the tree's tracer, if it still has one.</summary>
    static abstract void CallTracer(TTree tree, GreenletTraceEvent traceEvent, TGreenlet origin, TGreenlet target);

    static abstract void RemoveTracer(TTree tree);
}

