using CertBroker.Core.Accounts;

namespace CertBroker.Server.Admin;

/// <summary>The problem answers the account and token endpoints share.</summary>
internal static class AdminProblems
{
    public static IResult NotFound(string what) =>
        TypedResults.Problem($"{what} does not exist.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult LastAdministrator() => Conflict(
        "This would leave no enabled Administrator, and nobody able to manage accounts. Create or enable another Administrator first.");

    /// <summary>
    /// A 400 listing each field's problems, e.g. every password rule a candidate breaks; the broken rules' stable
    /// names go in <c>violatedRules</c> for clients.
    /// </summary>
    public static IResult Invalid(Dictionary<string, string[]> errors, IReadOnlyList<PasswordViolation>? violations = null) =>
        TypedResults.ValidationProblem(
            errors,
            title: "The request is not valid.",
            extensions: violations is { Count: > 0 }
                ? new Dictionary<string, object?> { ["violatedRules"] = violations.Select(v => v.Rule).ToArray() }
                : null);

    public static IResult Invalid(string field, params string[] messages) => Invalid(new Dictionary<string, string[]> { [field] = messages });

    public static IResult PasswordRejected(string field, IReadOnlyList<PasswordViolation> violations) =>
        Invalid(new Dictionary<string, string[]> { [field] = [.. violations.Select(v => v.Message)] }, violations);
}
