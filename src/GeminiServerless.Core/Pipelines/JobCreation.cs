using GeminiServerless.Core.Gemini;

namespace GeminiServerless.Core.Pipelines;

/// <summary>Creates Gemini jobs without making duplicates when a create's answer is lost.</summary>
public static class JobCreation
{
    /// <summary>
    /// Creates the job once (creates are never retried automatically). When the create fails ambiguously
    /// (<see cref="GeminiErrors.IsAmbiguousCreateFailure"/>: lost connection, timeout, 408/5xx), the job it may have
    /// made is looked up by its deterministic display name (<see cref="IGeminiJobRunner.FindAsync"/>) and returned if
    /// found. Otherwise the original error is rethrown: the caller retries later, and a later attempt should look
    /// again before creating (as <see cref="StageJobService.SubmitAsync"/> does), because listings can lag behind.
    /// Kinds that cannot list (interactions, videos) find nothing, so for them the error always surfaces.
    /// </summary>
    public static async Task<JobRef> CreateOrRecoverAsync(this IGeminiJobRunner runner, JobSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(submission);
        try
        {
            return await runner.CreateAsync(submission, cancellationToken);
        }
        catch (Exception ex) when (GeminiErrors.IsAmbiguousCreateFailure(ex, cancellationToken))
        {
            var found = await runner.FindAsync(submission.DisplayName, cancellationToken);
            if (found is not null)
            {
                return found;
            }

            throw;
        }
    }
}
