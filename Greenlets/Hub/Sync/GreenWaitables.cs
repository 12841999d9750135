using Greenlets.Internal;

namespace Greenlets;

// The primitives Hub.Iwait accepts besides tasks; their public Wait(TimeSpan?) is the implementation.

/// <summary>A flag greenlets can wait on cooperatively (see the main declaration).</summary>
public sealed partial class GreenEvent : IGreenWaitable
{
    void IGreenWaitable.Bind(string member) => _binding.Enter(member);
}

/// <summary>A value or an exception that greenlets can wait for (see the main declaration).</summary>
public sealed partial class GreenResult<T> : IGreenWaitable
{
    void IGreenWaitable.Bind(string member) => _binding.Enter(member);
}
