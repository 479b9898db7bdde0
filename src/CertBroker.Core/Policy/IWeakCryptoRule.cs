using CertBroker.Core.Model;

namespace CertBroker.Core.Policy;

/// <summary>
/// One rule of the weak-crypto policy (the table in docs/operations.md). Rules are pure and cheap: they run on the
/// enrolment path, so anything slower than a few modular reductions belongs in <see cref="PolicyRescan"/>.
/// </summary>
public interface IWeakCryptoRule
{
    /// <summary>The rule id, e.g. <c>WC-RSA-01</c>.</summary>
    string Id { get; }

    /// <summary>Adds this rule's findings about <paramref name="subject"/>, if any.</summary>
    void Check(PolicySubject subject, ICollection<Finding> findings);
}
