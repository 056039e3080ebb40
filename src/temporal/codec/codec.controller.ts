import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { RequireRole } from '../../auth/roles.decorator';
import { CodecEndpointService } from './codec-endpoint.service';
import { CodecRequestDto, type CodecResponse } from './dto/codec-request.dto';

export const CODEC_PATH = 'temporal/codec';

/**
 * Temporal's remote codec endpoint: `temporal workflow show --codec-endpoint <url>/temporal/codec
 * --codec-auth "Bearer <admin key>"`, or the UI's codec setting. Admins only; which payloads an
 * admin may decode is decided per payload (see CodecEndpointService).
 */
@Controller(CODEC_PATH)
export class CodecController {
  constructor(private readonly codec: CodecEndpointService) {}

  @Post('encode')
  @HttpCode(200)
  @RequireRole('admin')
  encode(
    @CurrentPrincipal() principal: Principal,
    @Headers('x-namespace') namespace: string | undefined,
    @Body() body: CodecRequestDto,
  ): CodecResponse {
    return this.codec.encode(principal, namespace, body.payloads);
  }

  @Post('decode')
  @HttpCode(200)
  @RequireRole('admin')
  decode(
    @CurrentPrincipal() principal: Principal,
    @Headers('x-namespace') namespace: string | undefined,
    @Body() body: CodecRequestDto,
  ): CodecResponse {
    return this.codec.decode(principal, namespace, body.payloads);
  }
}
