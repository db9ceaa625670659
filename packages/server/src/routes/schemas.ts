/** Schemas shared by every route: the error body. */
import { Type } from 'typebox';

export const ErrorBody = Type.Object(
  {
    code: Type.String({ pattern: '^ERR_[A-Z0-9_]+$' }),
    message: Type.String(),
    reasons: Type.Optional(
      Type.Array(Type.Object({ code: Type.String(), text: Type.Record(Type.String(), Type.String()) }), {
        description:
          "the decision's reasons, where a verdict refused the request (ERR_PASS_NOT_PRINTABLE, ERR_STICKER_NOT_ALLOWED)",
      }),
    ),
  },
  { $id: 'ErrorBody', description: 'Every error answer' },
);

export const errorResponse = (description: string) => ({ ...Type.Ref('ErrorBody'), description });
