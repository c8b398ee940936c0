namespace GeminiServerless.Emulator.Errors;

/// <summary>A google.rpc.Code with the HTTP status Google maps it to.</summary>
internal sealed record RpcCode(int HttpStatus, int Code, string Status)
{
    public static readonly RpcCode Cancelled = new(499, 1, "CANCELLED");
    public static readonly RpcCode InvalidArgument = new(400, 3, "INVALID_ARGUMENT");
    public static readonly RpcCode DeadlineExceeded = new(504, 4, "DEADLINE_EXCEEDED");
    public static readonly RpcCode NotFound = new(404, 5, "NOT_FOUND");
    public static readonly RpcCode AlreadyExists = new(409, 6, "ALREADY_EXISTS");
    public static readonly RpcCode PermissionDenied = new(403, 7, "PERMISSION_DENIED");
    public static readonly RpcCode ResourceExhausted = new(429, 8, "RESOURCE_EXHAUSTED");
    public static readonly RpcCode FailedPrecondition = new(400, 9, "FAILED_PRECONDITION");
    public static readonly RpcCode Internal = new(500, 13, "INTERNAL");
    public static readonly RpcCode Unavailable = new(503, 14, "UNAVAILABLE");
    public static readonly RpcCode Unauthenticated = new(401, 16, "UNAUTHENTICATED");
}

/// <summary>A google.rpc.Status value: what a failed batch line, a failed job or an error response carries.</summary>
internal sealed record RpcError(RpcCode Code, string Message);
