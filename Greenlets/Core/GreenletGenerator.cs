using System.Collections;

namespace Greenlets;

/// <summary>A generator built from a greenlet: <c>body(yield)</c> may call <c>yield</c> at any call depth.</summary>
/// <typeparam name="T">The type of the values produced.</typeparam>
/// <remarks>
/// <para>Each enumerator runs the body in its own greenlet. <c>MoveNext</c> switches into it (making the caller its
/// parent), and <c>yield(value)</c> switches back with the value, from any depth of ordinary calls, and even from a
/// nested generator's body running inside this one (greenlet's layered genlets). Disposing an enumerator before the
/// end kills its greenlet with <see cref="GreenletExit"/>, so the body's <c>finally</c> blocks run.</para>
/// <para>An enumerator abandoned without <c>Dispose</c> is killed when it is collected, like any greenlet.</para>
/// </remarks>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenletGenerator<T> : IEnumerable<T>
{
    private readonly Action<Action<T>> _body;

    /// <summary>Creates a generator from its body.</summary>
    /// <param name="body">Receives the <c>yield</c> callback and produces values by calling it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public GreenletGenerator(Action<Action<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _body = body;
    }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenletGenerator<{typeof(T).Name}> {_body.Method.Name}";

    /// <summary>Starts a new run of the body.</summary>
    /// <returns>An enumerator whose greenlet starts at the first <c>MoveNext</c>.</returns>
    public IEnumerator<T> GetEnumerator() => new Enumerator(_body);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What the body's yield callback knows: a weak link to the generator's greenlet, so that a suspended
    /// body does not keep its own enumerator alive.</summary>
    private sealed class Channel
    {
        public WeakReference<Greenlet>? Greenlet { get; set; }

        public Greenlet? Resume { get; set; }

        public void Yield(T value)
        {
            Greenlet current = Greenlets.Greenlet.Current;
            Greenlet? generator = null;
            if (Greenlet is not null && Greenlet.TryGetTarget(out Greenlet? g))
            {
                for (Greenlet? p = current; p is not null; p = p.Parent)
                {
                    if (p == g)
                    {
                        generator = g;
                        break;
                    }
                }
            }

            if (generator is null)
            {
                throw new InvalidOperationException("yield outside its generator: call it from the generator's body, at any depth.");
            }

            Resume = current == generator ? null : current;
            generator.Parent!.Switch(value);
        }
    }

    private sealed class Enumerator : IEnumerator<T>
    {
        private readonly Greenlet _greenlet;
        private readonly Channel _channel = new();
        private T _current = default!;

        public Enumerator(Action<Action<T>> body)
        {
            Channel channel = _channel;
            _greenlet = new Greenlet(() => body(channel.Yield)) { Name = $"generator<{typeof(T).Name}>" };
            channel.Greenlet = new WeakReference<Greenlet>(_greenlet);
        }

        public T Current => _current;

        object? IEnumerator.Current => _current;

        public bool MoveNext()
        {
            if (_greenlet.IsDead)
            {
                return false;
            }

            _greenlet.Parent = Greenlet.Current;
            Greenlet target = _channel.Resume ?? _greenlet;
            _channel.Resume = null;
            object? value = target.Switch();
            if (_greenlet.IsDead)
            {
                _current = default!;
                return false;
            }

            _current = (T)value!;
            return true;
        }

        public void Reset() => throw new NotSupportedException("A generator cannot be reset; enumerate it again instead.");

        public void Dispose()
        {
            if (_greenlet.IsActive)
            {
                _greenlet.Parent = Greenlet.Current;
                _greenlet.Throw();
            }
        }
    }
}
