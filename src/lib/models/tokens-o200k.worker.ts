/** Token counting with o200k_base (GPT-4o, 4.1, 5, o-series), off the page's main thread. */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { serve } from './tokens-serve';

serve(self, countTokens);
