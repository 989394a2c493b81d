// -m esp --espspi: the SPI of an IPsec ESP header (xt_esp), its first four bytes.
import { spiMatch } from '../spi';

export const esp = spiMatch('esp', 50, 0, 8, 'ESP');
export type { SpiOptions as EspOptions } from '../spi';
